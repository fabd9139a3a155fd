/**
 * The slot of each (facet key × group) pair of a facet column, looked up once per row and facet:
 * an open-addressing hash table of non-negative int32 keys in typed arrays (a `Map` of numbers
 * costs several times more per lookup in the count loop).
 */
export class SlotIndex {
  private keys = new Int32Array(256).fill(-1);
  private slots = new Int32Array(256);
  private mask = 255;
  size = 0;

  /** The slot of `key` (0 ≤ key < 2^31), or -1 when it has none yet. */
  get(key: number): number {
    let at = hash(key);
    for (;;) {
      at &= this.mask;
      const found = this.keys[at] as number;
      if (found === key) return this.slots[at] as number;
      if (found === -1) return -1;
      at++;
    }
  }

  /** Gives `key` (not yet present) the next slot and returns it. */
  add(key: number): number {
    const slot = this.size++;
    this.place(key, slot);
    if (this.size * 2 > this.keys.length) this.grow();
    return slot;
  }

  private place(key: number, slot: number): void {
    let at = hash(key);
    for (;;) {
      at &= this.mask;
      if (this.keys[at] === -1) break;
      at++;
    }
    this.keys[at] = key;
    this.slots[at] = slot;
  }

  private grow(): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.slots = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let at = 0; at < keys.length; at++) {
      if (keys[at] !== -1) this.place(keys[at] as number, slots[at] as number);
    }
  }
}

/** Spreads the key's bits over the low bits the table uses (keys are `facetKey * groups + group`). */
function hash(key: number): number {
  const h = Math.imul(key, 0x9e3779b1);
  return (h ^ (h >>> 16)) >>> 0;
}
