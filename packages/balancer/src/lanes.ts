/** Index entries: what scheduling needs, without the message text (1M queued must stay small). */
export interface Entry {
  id: string;
  seq: number;
  lane: 0 | 1 | 2;
  notBefore: number;
  recipient: string;
  /** The phone it must go out from (replies), or undefined for pool routing. */
  sticky: string | undefined;
  /** Channel the message names (for direct, non-anti-ban channels). */
  channel: string;
  textLength: number;
  attempts: number;
}

/** A FIFO with O(1) push/unshift/shift (a ring would be faster; arrays with a head index suffice). */
export class Deque<T> {
  private items: T[] = [];
  private head = 0;
  private front: T[] = [];

  get size(): number {
    return this.items.length - this.head + this.front.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    this.front.push(item);
  }

  peekAt(i: number): T | undefined {
    const f = this.front.length;
    if (i < f) return this.front[f - 1 - i];
    return this.items[this.head + i - f];
  }

  /** Removes the item at position i (0 = head); O(1) at the head, O(n) elsewhere (rare). */
  removeAt(i: number): T | undefined {
    const f = this.front.length;
    if (i < f) return this.front.splice(f - 1 - i, 1)[0];
    const idx = this.head + i - f;
    if (idx === this.head) {
      const item = this.items[this.head];
      this.items[this.head++] = undefined as T;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return item;
    }
    return this.items.splice(idx, 1)[0];
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.size; i++) yield this.peekAt(i)!;
  }
}

/** A binary min-heap on (notBefore, seq): entries waiting for their time. */
export class WaitHeap {
  private readonly heap: Entry[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): Entry | undefined {
    return this.heap[0];
  }

  push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  *[Symbol.iterator](): Iterator<Entry> {
    yield* this.heap;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.notBefore < b.notBefore || (a.notBefore === b.notBefore && a.seq < b.seq);
}
