import type { Logger } from '@smmbot/core';

/** A set of listeners; one that throws is logged and does not stop the others or the socket. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (err) {
        this.logger.warn({ err }, `a ${this.what} listener failed`);
      }
    }
  }
}
