/**
 * One decoded column chunk as cell text, the form every engine reader hands on: the bytes a
 * CSV cell holding the same value would have, as pandas writes it. Integers as digits, floats
 * in Python's shortest repr (`3.0`, `0.1`, `1e-07`, `inf`), booleans `True`/`False`, strings
 * as their UTF-8 bytes, and a null (or a float NaN) as an empty cell, which the engine treats
 * as a missing value.
 */
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

/** Builds the cells of one column chunk from hyparquet's decoded pages. */
export function cellColumn(kind: CellKind, pages: readonly ArrayLike<unknown>[]): CellColumn {
  return kind === "text" ? new ByteCells(pages) : new FormattedCells(kind, pages);
}

/** Strings and binary: hyparquet hands each value as its own bytes (dictionary values shared), viewed in place. */
class ByteCells implements CellColumn {
  private readonly values: (Uint8Array | null | undefined)[] = [];
  readonly rows: number;
  readonly nulls: number;

  constructor(pages: readonly ArrayLike<unknown>[]) {
    let nulls = 0;
    for (const page of pages) {
      for (let i = 0; i < page.length; i++) {
        const value = page[i] as Uint8Array | null | undefined;
        if (value === null || value === undefined) nulls++;
        this.values.push(value);
      }
    }
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

  constructor(kind: Exclude<CellKind, "text">, pages: readonly ArrayLike<unknown>[]) {
    const rows = pages.reduce((sum, page) => sum + page.length, 0);
    const format = FORMATTERS[kind];
    this.rows = rows;
    this.ends = new Int32Array(rows);
    this.bytes = new Uint8Array(Math.max(16, rows * 4));
    let at = 0;
    let row = 0;
    let nulls = 0;
    for (const page of pages) {
      for (let i = 0; i < page.length; i++) {
        const value = page[i];
        const text = value === null || value === undefined ? "" : format(value);
        if (text === "") nulls++;
        if (at + text.length > this.bytes.length) this.grow(at + text.length);
        // Every formatted value is ASCII: one byte per character.
        for (let c = 0; c < text.length; c++) this.bytes[at++] = text.charCodeAt(c);
        this.ends[row++] = at;
      }
    }
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

const FORMATTERS: Record<Exclude<CellKind, "text">, (value: unknown) => string> = {
  integer: (value) => String(value),
  float64: (value) => pythonFloat(value as number, false),
  float32: (value) => pythonFloat(value as number, true),
  boolean: (value) => (value ? "True" : "False"),
};

/**
 * A float as Python prints it (`repr`): the shortest digits that read back as the same value,
 * fixed notation for exponents from -4 to 15 (with `.0` on integral values), otherwise
 * `d.ddde+XX`. float32 values get the shortest digits that read back as the same float32
 * (numpy's repr), not the float64 expansion. NaN is a missing value (empty).
 */
export function pythonFloat(value: number, single: boolean): string {
  if (Number.isNaN(value)) return "";
  if (value === Number.POSITIVE_INFINITY) return "inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const shortest = single ? shortestFloat32(value) : value;
  // toExponential() without an argument gives the shortest digits that identify the value.
  const [mantissa = "", exponentText = "0"] = shortest.toExponential().split("e");
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace(/[-.]/g, "");
  const exponent = Number(exponentText);
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${head}e${exponent < 0 ? "-" : "+"}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** The float64 holding the shortest decimal that reads back as the same float32. */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
