import type { Logger } from './logger.js';

/** A set of listeners (channel link and delivery events); one that throws is logged and does not stop the others. */
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
