/**
 * The slot of each (facet key × group) pair of a facet column, looked up once per row and facet.
 * The pairs of small keys and groups (a facet of a few values, a group variable of a few values,
 * the keys of cells past a full dictionary) are found in a direct table; the others in an
 * open-addressing hash table of int32 keys in typed arrays. (A `Map` of numbers costs several
 * times more per lookup in the count loop.)
 */
export class SlotIndex {
  /** Slot + 1 of the pair `key * DIRECT_GROUPS + group` for small pairs (0: none yet). */
  private readonly direct = new Int32Array(DIRECT_KEYS * DIRECT_GROUPS);
  private keys = new Int32Array(256).fill(-1);
  private slots = new Int32Array(256);
  private mask = 255;
  private hashed = 0;
  size = 0;

  /** The slot of the pair (0 ≤ facetKey, 0 ≤ group < groups), or -1 when it has none yet. */
  get(facetKey: number, group: number, groups: number): number {
    if (facetKey < DIRECT_KEYS && group < DIRECT_GROUPS) {
      return (this.direct[facetKey * DIRECT_GROUPS + group] as number) - 1;
    }
    const key = facetKey * groups + group;
    let at = hash(key);
    for (;;) {
      at &= this.mask;
      const found = this.keys[at] as number;
      if (found === key) return this.slots[at] as number;
      if (found === -1) return -1;
      at++;
    }
  }

  /** Gives the pair (not yet present) the next slot and returns it. */
  add(facetKey: number, group: number, groups: number): number {
    const slot = this.size++;
    if (facetKey < DIRECT_KEYS && group < DIRECT_GROUPS) {
      this.direct[facetKey * DIRECT_GROUPS + group] = slot + 1;
      return slot;
    }
    this.place(facetKey * groups + group, slot);
    this.hashed++;
    if (this.hashed * 2 > this.keys.length) this.grow();
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

/** Facet keys below this (value ids below 63) and groups below DIRECT_GROUPS go to the direct table. */
const DIRECT_KEYS = 256;
const DIRECT_GROUPS = 64;

/** Spreads the key's bits over the low bits the table uses (keys are `facetKey * groups + group`). */
function hash(key: number): number {
  const h = Math.imul(key, 0x9e3779b1);
  return (h ^ (h >>> 16)) >>> 0;
}
