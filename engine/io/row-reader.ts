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
  /** Where the current row is, for error messages: `data.csv line 12`. */
  location(): string;
  close(): void;
}
