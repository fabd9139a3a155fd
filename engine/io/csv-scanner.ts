import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { EngineInputError } from "../errors.ts";
import {
  giveBackScanMemory,
  type PlainRecordScan,
  SCAN_OVERREAD,
  type ScanMemory,
  takeScanMemory,
} from "./plain-record-wasm.ts";
import type { ReadMeter } from "./read-meter.ts";
import type { RowReader } from "./row-reader.ts";

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const PAGE = 1 << 16;

/**
 * A byte-level streaming CSV scanner over one file (RFC 4180: quoted fields may hold commas,
 * line breaks and doubled quotes). It reads fixed-size chunks with synchronous fd reads and
 * only records where each field starts and ends; memory stays at one chunk (plus the longest
 * row) whatever the file size.
 *
 * The chunk and the field offsets live in a WebAssembly memory, laid out as
 * `[chunk][overread room][field count][starts][ends]`, so that records without quotes are scanned
 * by a SIMD function (plain-record-wasm.ts) that writes the offsets where `view` reads them.
 */
export class CsvScanner implements RowReader {
  private buf: Buffer;
  private len = 0;
  private pos = 0;
  private eof = false;
  private fd: number | undefined;
  private readonly path: string;
  private readonly scanMemory: ScanMemory;
  private readonly memory: WebAssembly.Memory;
  private readonly scanPlain: PlainRecordScan;
  /** Where the field count, `starts` and `ends` are in the memory (after the chunk). */
  private countAt = 0;
  private startsAt = 0;
  private endsAt = 0;
  private counts: Int32Array;
  private starts: Int32Array;
  private ends: Int32Array;
  /** 1 when the field was quoted and holds doubled quotes, which `view` must unescape. */
  private escaped = new Uint8Array(64);
  /** The current record was scanned by the quote-free loop: no field is escaped (`escaped` is stale). */
  private plain = false;
  private scratch = Buffer.alloc(256);
  /**
   * The offset in `buf` of the next quote byte at or after `pos` (`len` when there is none):
   * records that end before it are scanned by the quote-free loop. -1: to be searched again.
   */
  private quoteAt = -1;
  private nextLine = 1;
  private recordLine = 0;
  fieldCount = 0;
  /**
   * The quote bytes in the records read so far. A record parses only when each of its quote
   * bytes opens, closes or is doubled inside a quoted field, so after a clean read this is the
   * count of quote bytes in the bytes read (parallel/ checks its cuts with it).
   */
  quotes = 0;
  viewBuf: Uint8Array;
  viewStart = 0;
  viewEnd = 0;

  /** The file offset of the next read, and where this scanner's part of the file ends. */
  private filePos: number;
  private fileEnd: number;
  private readonly rangeEnd: ((filePos: number) => number) | undefined;
  /** Where this scanner's reads started, and who is told of each chunk read (the count pass's progress). */
  private readonly firstPos: number;
  private meter: ReadMeter | undefined;

  /**
   * Scans `path`, or only its bytes `[range.start, range.end)` — a range must start and end at
   * a record boundary (see parallel/split-csv.ts), so it holds whole records. `rangeEnd`, asked
   * before each read from the file, may end the range earlier (at a record boundary not before
   * the offset it is given: parallel/shared-cut.ts).
   */
  constructor(
    path: string,
    chunkSize = 1 << 20,
    range?: { readonly start: number; readonly end: number },
    rangeEnd?: (filePos: number) => number,
  ) {
    this.path = path;
    this.scanMemory = takeScanMemory();
    this.memory = this.scanMemory.memory;
    this.scanPlain = this.scanMemory.scan;
    [this.buf, this.counts, this.starts, this.ends] = this.layOut(chunkSize, 64);
    this.viewBuf = this.buf;
    this.fd = openSync(path, "r");
    this.filePos = range?.start ?? 0;
    this.firstPos = this.filePos;
    this.fileEnd = range?.end ?? Number.POSITIVE_INFINITY;
    this.rangeEnd = rangeEnd;
    this.fill();
    // A UTF-8 byte order mark is not part of the first header.
    if (
      this.filePos - this.len === 0 &&
      this.len >= 3 &&
      this.buf[0] === 0xef &&
      this.buf[1] === 0xbb &&
      this.buf[2] === 0xbf
    )
      this.pos = 3;
  }

  meterReads(meter: ReadMeter): void {
    this.meter = meter;
    if (this.filePos > this.firstPos) meter.read(this.filePos - this.firstPos);
  }

  location(): string {
    return `${basename(this.path)} line ${this.recordLine}`;
  }

  next(): boolean {
    for (;;) {
      if (this.pos >= this.len && this.eof) return false;
      if (this.quoteAt < this.pos) this.findQuote();
      let end = this.scanPlainRecord();
      if (end === -1) end = this.scanRecord();
      if (end === -1) {
        if (this.eof) {
          // The line the unclosed record starts on, not the last record read.
          this.recordLine = this.nextLine;
          throw new EngineInputError(`${this.location()}: a quoted field is never closed`);
        }
        this.compactAndFill();
        continue;
      }
      this.pos = end;
      // pandas skips blank lines; so do we.
      if (this.fieldCount === 1 && this.starts[0] === this.ends[0]) continue;
      return true;
    }
  }

  view(field: number): void {
    const start = this.starts[field] ?? 0;
    const end = this.ends[field] ?? 0;
    if (this.plain || this.escaped[field] === 0) {
      this.viewBuf = this.buf;
      this.viewStart = start;
      this.viewEnd = end;
      return;
    }
    // Doubled quotes inside a quoted field stand for one quote.
    if (this.scratch.length < end - start) this.scratch = Buffer.alloc(2 * (end - start));
    let w = 0;
    for (let i = start; i < end; i++) {
      const c = this.buf[i] as number;
      this.scratch[w++] = c;
      if (c === QUOTE) i++;
    }
    this.viewBuf = this.scratch;
    this.viewStart = 0;
    this.viewEnd = w;
  }

  /** The current row's fields as strings (headers, error messages). */
  fields(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.fieldCount; i++) {
      this.view(i);
      out.push(
        Buffer.from(
          this.viewBuf.buffer,
          this.viewBuf.byteOffset + this.viewStart,
          this.viewEnd - this.viewStart,
        ).toString("utf8"),
      );
    }
    return out;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    // The memory goes to the next scanner: this one's views no longer show its rows.
    giveBackScanMemory(this.scanMemory);
    this.buf = Buffer.alloc(0);
    this.viewBuf = this.buf;
  }

  /** Finds the next quote byte from `pos` with the native byte search (far faster than a JS loop). */
  private findQuote(): void {
    const at = this.buf.indexOf(QUOTE, this.pos);
    this.quoteAt = at === -1 || at > this.len ? this.len : at;
  }

  /**
   * Scans one record from `pos` when it ends before the next quote byte: its fields are unquoted,
   * so only commas and line feeds matter (the SIMD scan). Returns the offset after its line
   * break, or -1 when the record reaches a quote or the end of the buffer, or has more fields
   * than `starts` holds (then `scanRecord`, which knows quotes, chunk ends and the end of the
   * file, and grows the fields, scans it).
   */
  private scanPlainRecord(): number {
    const end = this.scanPlain(
      this.pos,
      this.quoteAt,
      this.startsAt,
      this.endsAt,
      this.starts.length,
      this.countAt,
    );
    if (end < 0) return -1;
    this.finishRecord(this.counts[0] as number, 1);
    this.plain = true;
    return end;
  }

  /**
   * Scans one record from `pos`. Returns the offset after its line break, or -1 when the
   * buffer ends before the record does (the caller reads more and scans again).
   */
  private scanRecord(): number {
    const buf = this.buf;
    const len = this.len;
    let p = this.pos;
    let count = 0;
    let lines = 0;
    let quotes = 0;
    for (;;) {
      if (count === this.starts.length) this.growFields();
      let start = p;
      let end: number;
      let escaped = 0;
      // A CR that ends an unquoted field is the line break's; one inside quotes is the value's.
      const quoted = p < len && buf[p] === QUOTE;
      if (quoted) {
        start = p + 1;
        p = start;
        for (;;) {
          if (p >= len) return -1;
          const c = buf[p];
          if (c === QUOTE) {
            if (p + 1 >= len && !this.eof) return -1;
            // At the end of the file the byte after `len` is a previous chunk's (or file's), not a doubled quote.
            if (p + 1 < len && buf[p + 1] === QUOTE) {
              escaped = 1;
              quotes += 2;
              p += 2;
              continue;
            }
            break;
          }
          if (c === LF) lines++;
          p++;
        }
        end = p;
        p++;
        quotes += 2;
        const after = p < len ? buf[p] : LF;
        if (after !== COMMA && after !== LF && after !== CR) {
          this.recordLine = this.nextLine;
          throw new EngineInputError(
            `${this.location()}: unexpected character after the closing quote of field ${count + 1}`,
          );
        }
      } else {
        while (p < len) {
          const c = buf[p];
          if (c === COMMA || c === LF) break;
          if (c === QUOTE) {
            this.recordLine = this.nextLine;
            throw new EngineInputError(
              `${this.location()}: a quote inside unquoted field ${count + 1}; quote the whole field and double the quote`,
            );
          }
          p++;
        }
        end = p;
      }
      if (p >= len) {
        if (!this.eof) return -1;
        if (!quoted && end > start && buf[end - 1] === CR) end--;
        this.pushField(count++, start, end, escaped);
        this.finishRecord(count, lines);
        this.plain = false;
        this.quotes += quotes;
        return len;
      }
      const c = buf[p];
      if (c === CR) {
        // CR LF line ending (or a stray CR before the comma, kept out of the value). A CR alone is
        // no line break: the byte after it would otherwise be skipped as if it were a comma.
        p++;
        if (p >= len && !this.eof) return -1;
        if (p < len && buf[p] !== LF && buf[p] !== COMMA) {
          this.recordLine = this.nextLine;
          throw new EngineInputError(
            `${this.location()}: unexpected character after the closing quote of field ${count + 1}`,
          );
        }
      }
      if (c === LF || buf[p] === LF || p >= len) {
        if (c === LF && !quoted && end > start && buf[end - 1] === CR) end--;
        this.pushField(count++, start, end, escaped);
        this.finishRecord(count, lines + 1);
        this.plain = false;
        this.quotes += quotes;
        return p >= len ? len : p + 1;
      }
      this.pushField(count++, start, end, escaped);
      p++;
    }
  }

  private pushField(i: number, start: number, end: number, escaped: number): void {
    this.starts[i] = start;
    this.ends[i] = end;
    this.escaped[i] = escaped;
  }

  private finishRecord(count: number, lines: number): void {
    this.fieldCount = count;
    this.recordLine = this.nextLine;
    this.nextLine += lines;
  }

  private growFields(): void {
    const starts = this.starts.slice();
    const ends = this.ends.slice();
    [this.buf, this.counts, this.starts, this.ends] = this.layOut(this.buf.length, starts.length * 2);
    this.starts.set(starts);
    this.ends.set(ends);
    const escaped = new Uint8Array(this.escaped.length * 2);
    escaped.set(this.escaped);
    this.escaped = escaped;
  }

  /**
   * Views of the memory laid out for a chunk of `chunkSize` bytes and `fields` fields, growing it
   * as needed. The chunk keeps its bytes (it starts at offset 0); the field offsets do not.
   */
  private layOut(chunkSize: number, fields: number): [Buffer, Int32Array, Int32Array, Int32Array] {
    this.countAt = Math.ceil((chunkSize + SCAN_OVERREAD) / 16) * 16;
    this.startsAt = this.countAt + 16;
    this.endsAt = this.startsAt + 4 * fields;
    const bytes = this.endsAt + 4 * fields;
    const pages = Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    const memory = this.memory.buffer;
    return [
      Buffer.from(memory, 0, chunkSize),
      new Int32Array(memory, this.countAt, 1),
      new Int32Array(memory, this.startsAt, fields),
      new Int32Array(memory, this.endsAt, fields),
    ];
  }

  /** Moves the unfinished record to the front of the buffer (growing it if needed) and reads on. */
  private compactAndFill(): void {
    const rest = this.len - this.pos;
    if (rest >= this.buf.length / 2) {
      // A record longer than half the chunk: the chunk doubles (its bytes stay where they are).
      [this.buf, this.counts, this.starts, this.ends] = this.layOut(this.buf.length * 2, this.starts.length);
    }
    this.buf.copy(this.buf, 0, this.pos, this.len);
    this.len = rest;
    this.pos = 0;
    this.quoteAt = -1;
    this.fill();
  }

  private fill(): void {
    while (this.len < this.buf.length && !this.eof && this.fd !== undefined) {
      if (this.rangeEnd) this.fileEnd = this.rangeEnd(this.filePos);
      const want = Math.min(this.buf.length - this.len, this.fileEnd - this.filePos);
      const n = want <= 0 ? 0 : readSync(this.fd, this.buf, this.len, want, this.filePos);
      if (n === 0) this.eof = true;
      else this.meter?.read(n);
      this.len += n;
      this.filePos += n;
    }
  }
}
