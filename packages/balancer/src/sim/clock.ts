import type { Clock, TimerHandle } from '@smmbot/core';

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: (() => void) | undefined;
}

/**
 * core's VirtualClock semantics on a binary heap: `advance` fires due timers in (time, creation)
 * order and lets the promise jobs each one starts settle before the next. VirtualClock scans an
 * array per fire and filters it per `clearTimeout`, which is quadratic with 1,000 phones' timers;
 * here both are O(log n) (cancelled timers are dropped lazily, the heap is compacted when they
 * pile up). Settling is one macrotask turn (`setImmediate`): the microtask queue drains
 * completely before it, which covers any chain of promise jobs. Code that itself waits on
 * macrotasks (real I/O, `setImmediate`) needs `settleTurns` > 1; the balancer with in-memory
 * storage does not.
 */
export class HeapClock implements Clock {
  private current: number;
  private heap: Timer[] = [];
  private readonly byId = new Map<number, Timer>();
  private nextId = 1;
  private seq = 0;
  private cancelled = 0;
  /** Timers fired so far (for the simulator's report). */
  fired = 0;

  constructor(
    start: number,
    private readonly settleTurns = 1,
  ) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t: Timer = { id, at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.byId.set(id, t);
    this.push(t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.byId.get(handle.id);
    if (!t) return;
    this.byId.delete(handle.id);
    t.fn = undefined;
    if (++this.cancelled > 1024 && this.cancelled * 2 > this.heap.length) this.compact();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.byId.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await this.settle();
      const next = this.popDue(target);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      const fn = next.fn!;
      next.fn = undefined;
      this.fired++;
      fn();
    }
    this.current = Math.max(this.current, target);
    await this.settle();
  }

  /** Sets the clock to an absolute time (never backwards), firing timers due by then. */
  async advanceTo(time: number): Promise<void> {
    await this.advance(Math.max(0, time - this.current));
  }

  private async settle(): Promise<void> {
    for (let i = 0; i < this.settleTurns; i++) await new Promise<void>((r) => setImmediate(r));
  }

  private popDue(limit: number): Timer | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > limit) return undefined;
      this.pop();
      if (top.fn) {
        this.byId.delete(top.id);
        return top;
      }
      this.cancelled--;
    }
  }

  private compact(): void {
    const live = this.heap.filter((t) => t.fn !== undefined);
    live.sort(before);
    this.heap = live;
    this.cancelled = 0;
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p]!, t) <= 0) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = t;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) < 0 ? r : l;
      if (before(last, h[c]!) <= 0) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}

function before(a: Timer, b: Timer): number {
  return a.at - b.at || a.seq - b.seq;
}
