import type { ReadMeter } from "./read-meter.ts";

/**
 * A pull-based reader of tabular rows. After `next()` returns true, `view(i)` points
 * `viewBuf[viewStart, viewEnd)` at the bytes of field i of the current row, so callers can
 * classify fields without creating strings.
 */
export interface RowReader {
  next(): boolean;
  /** Fields in the current row. */
  readonly fieldCount: number;
  view(field: number): void;
  viewBuf: Uint8Array;
  viewStart: number;
  viewEnd: number;
  /**
   * The reader that holds the current row (a table reader's current file), whose `view` the
   * count loop calls directly: one call instead of two per cell. Absent: this one.
   */
  rowHolder?(): RowReader;
  /**
   * For a cell whose text reads as missing (`isMissing`), whether field i of the current row is
   * missing, where the reader knows its kind of value: in JSON Lines only a null is missing, a
   * string "" or "NA" is a value, as Python's json keeps it. Absent: the text decides.
   */
  isMissingField?(field: number): boolean;
  /**
   * From now on, tell `meter` the bytes of the file read, chunk by chunk; what was read before is
   * told at once. Absent: the reader reports no progress.
   */
  meterReads?(meter: ReadMeter): void;
  /** Where the current row is, for error messages: `data.csv line 12`. */
  location(): string;
  close(): void;
}
