/**
 * Gives each distinct byte string of a column a small integer id, without creating strings:
 * an open-addressing hash table over a byte pool. It stops learning new values at `capacity`
 * (then `idOf` answers -1), so memory stays bounded on high-cardinality columns.
 *
 * The count loop looks up every analysed cell, and most cells are short (`1`, `female`,
 * `north`): a value's first 8 bytes are packed into two 32-bit words (`heads`, `tails`), which
 * give its hash and compare it in a few integer operations; only longer values hash and compare
 * their further bytes one by one.
 */
export class ValueDictionary {
  private bytePool = new Uint8Array(1024);
  private poolLength = 0;
  private offsets = new Int32Array(65);
  private hashes = new Int32Array(64);
  /** Per id: its bytes 0-3 and 4-7, packed little-endian (0 beyond the value's end). */
  private heads = new Int32Array(64);
  private tails = new Int32Array(64);
  /** Per id: its length in bytes (`find` compares it with one load rather than two offsets). */
  private lengths = new Int32Array(64);
  private table = new Int32Array(128).fill(-1);
  private mask = 127;
  size = 0;
  /** The hash and free table slot of the value `find` last missed. */
  private missHash = 0;
  private missSlot = 0;
  /** True once a value was refused because the dictionary was full. */
  overflowed = false;
  /**
   * One bit per hash (bit `hash >>> 15`): set for each value held once the dictionary is full, so
   * that a cell whose bit is clear is none of them, which a column of many distinct values (most
   * of its cells past the capacity) learns from this small table instead of the larger hash table.
   * Until then every bit is set (a table all dictionaries share), so the check never needs a
   * branch of its own, whichever dictionaries the count loop met first.
   */
  private filter = OPEN_FILTER;

  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The id of the value, learning it when new (-1: new, and the dictionary is full). */
  idOf(buf: Uint8Array, start: number, end: number): number {
    const id = this.find(buf, start, end);
    return id === -1 ? this.learnMissed(buf, start, end) : id;
  }

  /**
   * Learns the value the last `find` on this dictionary missed (the same bytes, nothing learnt
   * since): its id, or -1 when the dictionary is full. Saves hashing the value again.
   */
  learnMissed(buf: Uint8Array, start: number, end: number): number {
    if (this.size >= this.capacity) {
      this.overflowed = true;
      return -1;
    }
    return this.insert(this.missSlot, this.missHash, buf, start, end);
  }

  /** The id of the value, or -1 when it is not in the dictionary (nothing is learnt). */
  find(buf: Uint8Array, start: number, end: number): number {
    const length = end - start;
    let head = 0;
    let tail = 0;
    const headEnd = length < 4 ? end : start + 4;
    for (let i = start; i < headEnd; i++) head |= (buf[i] as number) << ((i - start) << 3);
    const tailEnd = length < 8 ? end : start + 8;
    for (let i = start + 4; i < tailEnd; i++) tail |= (buf[i] as number) << ((i - start - 4) << 3);
    let hash = Math.imul(head ^ Math.imul(tail ^ length, 0x9e3779b1), 0x85ebca6b);
    for (let i = start + 8; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 0x01000193);
    hash ^= hash >>> 15;
    // A full dictionary learns nothing, so a miss the filter tells needs no slot.
    const bit = hash >>> FILTER_SHIFT;
    if (((this.filter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return -1;
    let slot = hash & this.mask;
    for (;;) {
      const id = this.table[slot] as number;
      if (id === -1) break;
      // The first 8 bytes and the length tell values apart (the hash would only repeat them).
      if (
        this.heads[id] === head &&
        this.tails[id] === tail &&
        this.lengths[id] === length &&
        (length <= 8 || this.equalsAfter8(id, buf, start, end))
      ) {
        return id;
      }
      slot = (slot + 1) & this.mask;
    }
    // Where the value would go: learnMissed inserts it there without hashing it again.
    this.missHash = hash;
    this.missSlot = slot;
    return -1;
  }

  /** The bytes of all values: id's are `pool[start(id), end(id))` (valid until the next new value). */
  get pool(): Uint8Array {
    return this.bytePool;
  }

  start(id: number): number {
    return this.offsets[id] as number;
  }

  end(id: number): number {
    return this.offsets[id + 1] as number;
  }

  /** The bytes of an id's value (a view into the pool: copy it to keep it). */
  bytes(id: number): Buffer {
    const start = this.offsets[id] as number;
    const end = this.offsets[id + 1] as number;
    return Buffer.from(this.bytePool.buffer, this.bytePool.byteOffset + start, end - start);
  }

  /** The value of an id, decoded as UTF-8. */
  text(id: number): string {
    const start = this.offsets[id] as number;
    const end = this.offsets[id + 1] as number;
    return Buffer.from(this.bytePool.buffer, this.bytePool.byteOffset + start, end - start).toString("utf8");
  }

  /** Whether bytes 8 on of a value of the same length and first 8 bytes equal id's. */
  private equalsAfter8(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = (this.offsets[id] as number) + 8;
    for (let i = start + 8; i < end; i++) if (this.bytePool[s + i - start - 8] !== buf[i]) return false;
    return true;
  }

  private insert(slot: number, hash: number, buf: Uint8Array, start: number, end: number): number {
    const id = this.size++;
    const length = end - start;
    if (this.poolLength + length > this.bytePool.length) {
      const bigger = new Uint8Array(Math.max(this.bytePool.length * 2, this.poolLength + length));
      bigger.set(this.bytePool);
      this.bytePool = bigger;
    }
    this.bytePool.set(buf.subarray(start, end), this.poolLength);
    this.poolLength += length;
    if (id + 1 >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const heads = new Int32Array(this.hashes.length);
      heads.set(this.heads);
      this.heads = heads;
      const tails = new Int32Array(this.hashes.length);
      tails.set(this.tails);
      this.tails = tails;
      const lengths = new Int32Array(this.hashes.length);
      lengths.set(this.lengths);
      this.lengths = lengths;
      const offsets = new Int32Array(this.hashes.length + 1);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.hashes[id] = hash;
    let head = 0;
    let tail = 0;
    for (let i = 0; i < length && i < 4; i++) head |= (buf[start + i] as number) << (i << 3);
    for (let i = 4; i < length && i < 8; i++) tail |= (buf[start + i] as number) << ((i - 4) << 3);
    this.heads[id] = head;
    this.tails[id] = tail;
    this.lengths[id] = length;
    this.offsets[id + 1] = this.poolLength;
    this.table[slot] = id;
    if (this.size * 2 > this.table.length) this.rehash();
    if (this.size === this.capacity) this.fillFilter();
    return id;
  }

  private fillFilter(): void {
    const filter = new Int32Array(1 << (32 - FILTER_SHIFT - 5));
    for (let id = 0; id < this.size; id++) {
      const bit = (this.hashes[id] as number) >>> FILTER_SHIFT;
      filter[bit >>> 5] = (filter[bit >>> 5] as number) | (1 << (bit & 31));
    }
    this.filter = filter;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = (this.hashes[id] as number) & mask;
      while (table[slot] !== -1) slot = (slot + 1) & mask;
      table[slot] = id;
    }
    this.table = table;
    this.mask = mask;
  }
}

/**
 * A full dictionary's filter keeps the hash's top 17 bits: 2^17 bits (16 KB), of which 10,000
 * values (a facet's capacity) set at most 7.6 %.
 */
const FILTER_SHIFT = 15;

/** The filter of a dictionary not yet full: every bit set. */
const OPEN_FILTER = new Int32Array(1 << (32 - FILTER_SHIFT - 5)).fill(-1);
