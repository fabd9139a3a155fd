/**
 * One decoded column chunk as cell text, the form every engine reader hands on: the bytes a
 * CSV cell holding the same value would have, as pandas writes it. Integers as digits, floats
 * in Python's shortest repr (`3.0`, `0.1`, `1e-07`, `inf`), booleans `True`/`False`, strings
 * as their UTF-8 bytes, and a null (or a float NaN) as an empty cell, which the engine treats
 * as a missing value.
 */
import { type FloatWidth, pythonFloatRepr } from "../../aggregate/python-float-repr.ts";
import type { FlatPage } from "./flat-pages.ts";
import type { CellKind } from "./parquet-columns.ts";

/** Where `view` points, the shape of a RowReader's view fields. */
export interface CellView {
  viewBuf: Uint8Array;
  viewStart: number;
  viewEnd: number;
}

export interface CellColumn {
  readonly rows: number;
  /** Nulls (and float NaNs) among the rows. */
  readonly nulls: number;
  view(row: number, into: CellView): void;
}

const EMPTY = new Uint8Array(0);

/**
 * Builds the cells of one column chunk from its decoded pages; a row whose definition level is
 * below `maxDefinitionLevel` is null.
 */
export function cellColumn(
  kind: CellKind,
  pages: readonly FlatPage[],
  maxDefinitionLevel: number,
): CellColumn {
  return kind === "text"
    ? new ByteCells(pages, maxDefinitionLevel)
    : new FormattedCells(kind, pages, maxDefinitionLevel);
}

/** Calls `each` with every row's value (undefined for a null), in row order. */
function forEachRow(
  pages: readonly FlatPage[],
  maxDefinitionLevel: number,
  each: (value: unknown) => void,
): void {
  for (const page of pages) {
    const levels = page.definitionLevels;
    const values = page.values;
    let next = 0;
    for (let row = 0; row < page.rows; row++) {
      if (levels !== undefined && (levels[row] as number) < maxDefinitionLevel) each(undefined);
      else each(values[next++]);
    }
  }
}

/** Strings and binary: hyparquet hands each value as its own bytes (dictionary values shared), viewed in place. */
class ByteCells implements CellColumn {
  private readonly values: (Uint8Array | null | undefined)[] = [];
  readonly rows: number;
  readonly nulls: number;

  constructor(pages: readonly FlatPage[], maxDefinitionLevel: number) {
    let nulls = 0;
    forEachRow(pages, maxDefinitionLevel, (value) => {
      if (value === null || value === undefined) nulls++;
      this.values.push(value as Uint8Array | undefined);
    });
    this.rows = this.values.length;
    this.nulls = nulls;
  }

  view(row: number, into: CellView): void {
    const value = this.values[row] ?? EMPTY;
    into.viewBuf = value;
    into.viewStart = 0;
    into.viewEnd = value.length;
  }
}

/** Numbers and booleans: formatted once per chunk into one buffer, with each row's end offset. */
class FormattedCells implements CellColumn {
  private bytes: Uint8Array;
  private readonly ends: Int32Array;
  readonly rows: number;
  readonly nulls: number;

  constructor(kind: Exclude<CellKind, "text">, pages: readonly FlatPage[], maxDefinitionLevel: number) {
    const rows = pages.reduce((sum, page) => sum + page.rows, 0);
    const format = FORMATTERS[kind];
    this.rows = rows;
    this.ends = new Int32Array(rows);
    this.bytes = new Uint8Array(Math.max(24, rows * 4));
    let at = 0;
    let row = 0;
    let nulls = 0;
    forEachRow(pages, maxDefinitionLevel, (value) => {
      // 24 bytes hold any integer; longer texts grow the buffer below.
      if (at + 24 > this.bytes.length) this.grow(at + 24);
      if (value === null || value === undefined) {
        nulls++;
      } else if (kind === "integer" && (typeof value === "number" || isSafeBigInt(value))) {
        at = writeInteger(this.bytes, at, Number(value));
      } else {
        const text = format(value);
        if (text === "") nulls++;
        if (at + text.length > this.bytes.length) this.grow(at + text.length);
        // Every formatted value is ASCII: one byte per character.
        for (let c = 0; c < text.length; c++) this.bytes[at++] = text.charCodeAt(c);
      }
      this.ends[row++] = at;
    });
    this.nulls = nulls;
  }

  view(row: number, into: CellView): void {
    into.viewBuf = this.bytes;
    into.viewStart = row === 0 ? 0 : (this.ends[row - 1] as number);
    into.viewEnd = this.ends[row] as number;
  }

  private grow(needed: number): void {
    const bigger = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    bigger.set(this.bytes);
    this.bytes = bigger;
  }
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function isSafeBigInt(value: unknown): value is bigint {
  return typeof value === "bigint" && value <= SAFE && value >= -SAFE;
}

/** Writes an integer's decimal digits at `at` without making a string (most cells are integers). */
function writeInteger(bytes: Uint8Array, at: number, value: number): number {
  let p = at;
  let rest = value;
  if (rest < 0) {
    bytes[p++] = 0x2d;
    rest = -rest;
  }
  const start = p;
  do {
    bytes[p++] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  // Digits were written lowest first.
  for (let i = start, j = p - 1; i < j; i++, j--) {
    const digit = bytes[i] as number;
    bytes[i] = bytes[j] as number;
    bytes[j] = digit;
  }
  return p;
}

/** A float cell as pandas reads it (Python's repr; see python-float-repr.ts); NaN is a missing value (empty). */
export function floatCell(value: number, width: FloatWidth): string {
  return Number.isNaN(value) ? "" : pythonFloatRepr(value, width);
}

const FORMATTERS: Record<Exclude<CellKind, "text">, (value: unknown) => string> = {
  integer: (value) => String(value),
  float64: (value) => floatCell(value as number, "float64"),
  float32: (value) => floatCell(value as number, "float32"),
  boolean: (value) => (value ? "True" : "False"),
};
