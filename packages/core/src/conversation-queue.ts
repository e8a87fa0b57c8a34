import PQueue from 'p-queue';

interface Tail {
  promise: Promise<unknown>;
}

/**
 * Messages of one conversation run in order; different conversations run in parallel under a
 * global cap. Each conversation keeps only its latest task, dropped when that task ends with
 * nothing queued behind it, so the map does not grow with the number of customers ever seen.
 */
export class ConversationQueue {
  private readonly global: PQueue;
  private readonly tails = new Map<string, Tail>();
  private accepting = true;

  constructor(concurrency: number) {
    this.global = new PQueue({ concurrency });
  }

  /** Runs `task` after every earlier task of the same key, within the global cap. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (!this.accepting) return Promise.reject(new Error('queue is closed'));
    const previous = this.tails.get(key);
    const tail: Tail = { promise: Promise.resolve() };
    const execute = () =>
      this.global.add(async () => {
        try {
          return await task();
        } finally {
          if (this.tails.get(key) === tail) this.tails.delete(key);
        }
      }) as Promise<T>;
    // An idle conversation goes straight to the global queue; a busy one waits for its last task,
    // whether that task succeeded or failed.
    const result = previous ? previous.promise.then(execute, execute) : execute();
    tail.promise = result;
    this.tails.set(key, tail);
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
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()].map((t) => t.promise));
    await this.global.onIdle();
  }
}
