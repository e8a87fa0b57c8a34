export interface EventStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /**
   * The stream ends after this long and the browser's EventSource reconnects by itself (after the
   * `retry` delay): no stream outlives a server shutdown by more than this.
   */
  maxAgeMs: number;
  /** A client this far behind is cut off (it reconnects and reloads the inbox). */
  maxQueued: number;
  retryMs: number;
}

/** Formats one server-sent event; data lines are split so a newline in the payload stays inside the event. */
export function sseEvent(event: string, data: unknown, id?: string): string {
  const lines = JSON.stringify(data)
    .split('\n')
    .map((l) => `data: ${l}`)
    .join('\n');
  return `${id ? `id: ${id}\n` : ''}event: ${event}\n${lines}\n\n`;
}

export interface EventSink {
  push(chunk: string): void;
  end(): void;
}

/**
 * A server-sent event stream as an async iterator of strings (what core's HttpResponse streams).
 * `start` subscribes and returns the unsubscribe; it runs once, and the unsubscribe runs exactly once,
 * whether the stream ends by itself, by `end()`, or because the client went away (`return()`, which
 * Node's `Readable.from` calls when the response is destroyed).
 */
export function eventStream(
  start: (sink: EventSink) => () => void,
  options: EventStreamOptions,
): AsyncIterableIterator<string> {
  const queue: string[] = [`retry: ${options.retryMs}\n: connected\n\n`];
  let waiting: ((r: IteratorResult<string>) => void) | undefined;
  let done = false;
  let unsubscribe: (() => void) | undefined;

  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    clearTimeout(maxAge);
    unsubscribe?.();
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
  };
  const sink: EventSink = {
    push(chunk) {
      if (done) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: chunk, done: false });
      } else if (queue.length >= options.maxQueued) finish();
      else queue.push(chunk);
    },
    end: finish,
  };
  const heartbeat = setInterval(() => sink.push(': ping\n\n'), options.heartbeatMs);
  const maxAge = setTimeout(finish, options.maxAgeMs);
  heartbeat.unref?.();
  maxAge.unref?.();
  unsubscribe = start(sink);
  if (done) unsubscribe();

  const iterator: AsyncIterableIterator<string> = {
    next() {
      const chunk = queue.shift();
      if (chunk !== undefined) return Promise.resolve({ value: chunk, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
