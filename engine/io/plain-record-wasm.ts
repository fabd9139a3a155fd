/**
 * The CSV scanner's quote-free record loop (csv-scanner.ts `scanPlainRecord`) as a WebAssembly
 * function with 128-bit SIMD: it compares 16 bytes at a time with the comma and the line feed and
 * visits only the delimiters it found, where the JavaScript loop compares every byte (about a
 * third of the count pass on a typical file). The module is written here byte by byte (a few
 * hundred bytes, no build step, no dependency); its function:
 *
 *   scan(p, limit, starts, ends, capacity, countAt) -> i32
 *
 * scans one record from memory offset `p` whose bytes before `limit` hold no quote. Field `i`
 * spans `[starts[i], ends[i])` (int32 arrays at byte offsets `starts` and `ends`, room for
 * `capacity` fields); a CR before the closing line feed is not part of the last field. Returns the
 * offset after the line feed and stores the field count as an int32 at offset `countAt` — or -1 when the
 * record reaches `limit` (a quote, or the end of the bytes read) before its line feed, -2 when it
 * has more fields than `capacity`; the caller then scans it with the JavaScript loops.
 *
 * It reads up to 15 bytes past `limit` (masked off): the memory must hold them.
 */

/** Bytes the scan may read past `limit`. */
export const SCAN_OVERREAD = 16;

const I32 = 0x7f;
const V128 = 0x7b;
const VOID = 0x40;

// Opcodes (WebAssembly core 2.0 and its fixed-width SIMD proposal).
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load8U: 0x2d,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GeU: 0x4f,
  i32Ctz: 0x68,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  simd: 0xfd,
} as const;
const simd = { v128Load: 0x00, v128Const: 0x0c, i8x16Eq: 0x23, i8x16Bitmask: 0x64 } as const;

// Parameters and locals of `scan`.
const P = 0;
const LIMIT = 1;
const STARTS = 2;
const ENDS = 3;
const CAPACITY = 4;
const COUNT_AT = 5;
const START = 6;
const COUNT = 7;
const MASK = 8;
const Q = 9;
const END = 10;
const COMMAS = 11;
const LFS = 12;
const BLOCK = 13;

const get = (local: number) => [op.localGet, local];
const set = (local: number) => [op.localSet, local];
/** `i32.const n` for -64 <= n < 64 (one byte of signed LEB128). */
const i32 = (n: number) => [op.i32Const, n & 0x7f];
const splat = (byte: number) => [op.simd, simd.v128Const, ...new Array<number>(16).fill(byte)];
/** `address + index * 4` on the stack. */
const slot = (array: number, index: number) => [
  ...get(array),
  ...get(index),
  ...i32(2),
  op.i32Shl,
  op.i32Add,
];
/** A memory argument: alignment (log2) and offset 0. */
const memarg = (align: number) => [align, 0];

const body = [
  ...get(P),
  ...set(START),
  ...splat(0x2c),
  ...set(COMMAS),
  ...splat(0x0a),
  ...set(LFS),
  op.loop,
  VOID,
  // The record reached `limit` before its line feed.
  ...get(P),
  ...get(LIMIT),
  op.i32GeU,
  op.if,
  VOID,
  ...i32(-1),
  op.return,
  op.end,
  // MASK: a bit per comma or line feed among the 16 bytes from P.
  ...get(P),
  op.simd,
  simd.v128Load,
  ...memarg(0),
  op.localTee,
  BLOCK,
  ...get(COMMAS),
  op.simd,
  simd.i8x16Eq,
  op.simd,
  simd.i8x16Bitmask,
  ...get(BLOCK),
  ...get(LFS),
  op.simd,
  simd.i8x16Eq,
  op.simd,
  simd.i8x16Bitmask,
  op.i32Or,
  ...set(MASK),
  // Bytes from `limit` on are not the record's.
  ...get(LIMIT),
  ...get(P),
  op.i32Sub,
  op.localTee,
  Q,
  ...i32(16),
  op.i32LtU,
  op.if,
  VOID,
  ...get(MASK),
  ...i32(1),
  ...get(Q),
  op.i32Shl,
  ...i32(1),
  op.i32Sub,
  op.i32And,
  ...set(MASK),
  op.end,
  op.block,
  VOID,
  op.loop,
  VOID,
  ...get(MASK),
  op.i32Eqz,
  op.brIf,
  1,
  // Q: the next delimiter.
  ...get(P),
  ...get(MASK),
  op.i32Ctz,
  op.i32Add,
  ...set(Q),
  ...get(COUNT),
  ...get(CAPACITY),
  op.i32GeU,
  op.if,
  VOID,
  ...i32(-2),
  op.return,
  op.end,
  ...slot(STARTS, COUNT),
  ...get(START),
  op.i32Store,
  ...memarg(2),
  ...get(Q),
  op.i32Load8U,
  ...memarg(0),
  ...i32(0x0a),
  op.i32Eq,
  op.if,
  VOID,
  // The line feed: the last field ends before it, or before a CR just before it.
  ...get(Q),
  ...set(END),
  ...get(Q),
  ...get(START),
  op.i32GtU,
  op.if,
  VOID,
  ...get(Q),
  ...i32(1),
  op.i32Sub,
  op.i32Load8U,
  ...memarg(0),
  ...i32(0x0d),
  op.i32Eq,
  op.if,
  VOID,
  ...get(Q),
  ...i32(1),
  op.i32Sub,
  ...set(END),
  op.end,
  op.end,
  ...slot(ENDS, COUNT),
  ...get(END),
  op.i32Store,
  ...memarg(2),
  ...get(COUNT_AT),
  ...get(COUNT),
  ...i32(1),
  op.i32Add,
  op.i32Store,
  ...memarg(2),
  ...get(Q),
  ...i32(1),
  op.i32Add,
  op.return,
  op.end,
  // A comma: the field ends here and the next starts after it.
  ...slot(ENDS, COUNT),
  ...get(Q),
  op.i32Store,
  ...memarg(2),
  ...get(COUNT),
  ...i32(1),
  op.i32Add,
  ...set(COUNT),
  ...get(Q),
  ...i32(1),
  op.i32Add,
  ...set(START),
  // The delimiter's bit is cleared: MASK & (MASK - 1).
  ...get(MASK),
  ...get(MASK),
  ...i32(1),
  op.i32Sub,
  op.i32And,
  ...set(MASK),
  op.br,
  0,
  op.end,
  op.end,
  ...get(P),
  ...i32(16),
  op.i32Add,
  ...set(P),
  op.br,
  0,
  op.end,
  ...i32(-1),
  op.end,
];

/** A vector's length, or a section's or body's size (unsigned LEB128). */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const name = (text: string) => [...uleb(text.length), ...Buffer.from(text, "utf8")];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];

const locals = [2, 5, I32, 3, V128];
const code = [...locals, ...body];

/** The module's bytes. */
export const PLAIN_RECORD_WASM = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  // Types: (i32 × 6) -> i32.
  ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 1, I32]),
  // Imports: env.memory, at least one page.
  ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]),
  // Functions: one, of type 0.
  ...section(3, [1, 0]),
  // Exports: scan.
  ...section(7, [1, ...name("scan"), 0x00, 0]),
  // Code.
  ...section(10, [1, ...uleb(code.length), ...code]),
]);

export type PlainRecordScan = (
  p: number,
  limit: number,
  starts: number,
  ends: number,
  capacity: number,
  countAt: number,
) => number;

/** A WebAssembly memory and the scan function over it. */
export interface ScanMemory {
  readonly memory: WebAssembly.Memory;
  readonly scan: PlainRecordScan;
}

let compiled: WebAssembly.Module | undefined;
/**
 * Memories given back by closed scanners, taken again by the next ones: making one costs some
 * 0.3 ms (its address space is reserved anew), which a folder of many small files would pay per
 * file. A few are kept; each holds its largest chunk so far.
 */
const spare: ScanMemory[] = [];
const SPARE_MEMORIES = 4;
/** The largest memory kept for reuse (a scanner's usual chunk is 1 MiB). */
const SPARE_MEMORY_BYTES = 8 * 2 ** 20;

/** A memory and its scan function: a spare one, or a new one (the module is compiled once per thread). */
export function takeScanMemory(): ScanMemory {
  const reused = spare.pop();
  if (reused) return reused;
  compiled ??= new WebAssembly.Module(PLAIN_RECORD_WASM);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  return { memory, scan: instance.exports.scan as PlainRecordScan };
}

/** Gives a memory back once its scanner is closed (its bytes are then another scanner's). */
export function giveBackScanMemory(memory: ScanMemory): void {
  // A memory never shrinks: one grown for a very long record is let go rather than kept for the
  // rest of the process.
  if (spare.length < SPARE_MEMORIES && memory.memory.buffer.byteLength <= SPARE_MEMORY_BYTES) {
    spare.push(memory);
  }
}
