/**
 * Gives each distinct byte string of a column a small integer id, without creating strings:
 * an open-addressing hash table (FNV-1a) over a byte pool. It stops learning new values at
 * `capacity` (then `idOf` answers -1), so memory stays bounded on high-cardinality columns.
 */
export class ValueDictionary {
  private bytePool = new Uint8Array(1024);
  private poolLength = 0;
  private offsets = new Int32Array(65);
  private hashes = new Int32Array(64);
  private table = new Int32Array(128).fill(-1);
  private mask = 127;
  size = 0;
  /** The hash and free table slot of the value `find` last missed. */
  private missHash = 0;
  private missSlot = 0;
  /** True once a value was refused because the dictionary was full. */
  overflowed = false;

  readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The id of the value, learning it when new (-1: new, and the dictionary is full). */
  idOf(buf: Uint8Array, start: number, end: number): number {
    const id = this.find(buf, start, end);
    if (id !== -1) return id;
    if (this.size >= this.capacity) {
      this.overflowed = true;
      return -1;
    }
    return this.insert(this.missSlot, this.missHash, buf, start, end);
  }

  /** The id of the value, or -1 when it is not in the dictionary (nothing is learnt). */
  find(buf: Uint8Array, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] as number), 0x01000193);
    let slot = hash & this.mask;
    for (;;) {
      const id = this.table[slot] as number;
      if (id === -1) break;
      if (this.hashes[id] === hash && this.equals(id, buf, start, end)) return id;
      slot = (slot + 1) & this.mask;
    }
    // Where the value would go: idOf inserts it there without hashing it again.
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

  private equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = this.offsets[id] as number;
    const e = this.offsets[id + 1] as number;
    if (e - s !== end - start) return false;
    for (let i = 0; i < e - s; i++) if (this.bytePool[s + i] !== buf[start + i]) return false;
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
      const offsets = new Int32Array(this.hashes.length + 1);
      offsets.set(this.offsets);
      this.offsets = offsets;
    }
    this.hashes[id] = hash;
    this.offsets[id + 1] = this.poolLength;
    this.table[slot] = id;
    if (this.size * 2 > this.table.length) this.rehash();
    return id;
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
