import PQueue from 'p-queue';

/**
 * Messages of one conversation run in order; different conversations run in parallel under a
 * global cap. Each conversation keeps only a promise tail, removed when it goes idle, so the map
 * does not grow with the number of customers ever seen.
 */
export class ConversationQueue {
  private readonly global: PQueue;
  private readonly tails = new Map<string, Promise<unknown>>();
  private accepting = true;

  constructor(concurrency: number) {
    this.global = new PQueue({ concurrency });
  }

  /** Runs `task` after every earlier task of the same key, within the global cap. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (!this.accepting) return Promise.reject(new Error('queue is closed'));
    const previous = this.tails.get(key);
    // An idle conversation goes straight to the global queue: no extra promise hop.
    const result = (previous ? previous.then(() => this.global.add(task)) : this.global.add(task)) as Promise<T>;
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Conversations with work queued or running. */
  get activeConversations(): number {
    return this.tails.size;
  }

  get pending(): number {
    return this.global.size + this.global.pending;
  }

  /** Stops taking new work and resolves when everything accepted has finished. */
  async close(): Promise<void> {
    this.accepting = false;
    await this.drain();
  }

  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
    await this.global.onIdle();
  }
}
