/** A growable deque of 32-bit request ids: LIFO pops from the back, FIFO from the front. */
export class IdDeque {
  #buf = new Uint32Array(64);
  #head = 0;
  #tail = 0;

  get length(): number {
    return this.#tail - this.#head;
  }

  push(id: number): void {
    if (this.#tail === this.#buf.length) {
      const live = this.#tail - this.#head;
      // Reuse the consumed front when it is most of the buffer, else grow.
      const next = live * 2 < this.#buf.length ? this.#buf : new Uint32Array(this.#buf.length * 2);
      next.set(this.#buf.subarray(this.#head, this.#tail), 0);
      this.#buf = next;
      this.#head = 0;
      this.#tail = live;
    }
    this.#buf[this.#tail++] = id;
  }

  popBack(): number | undefined {
    return this.#tail > this.#head ? this.#buf[--this.#tail] : undefined;
  }

  popFront(): number | undefined {
    return this.#tail > this.#head ? this.#buf[this.#head++] : undefined;
  }
}
