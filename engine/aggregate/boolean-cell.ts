import { sameBytes } from "./same-bytes.ts";

/**
 * The cells pandas' CSV reader turns into booleans (its default `true_values` / `false_values`):
 * exactly `True`, `TRUE`, `true`, `False`, `FALSE`, `false`, no spaces around. A column of only
 * these (and no missing cell) is pandas' `bool` dtype, which smclarify's Flip Test takes as a
 * numeric feature (True = 1, False = 0), as numpy does when it turns the rows into numbers.
 */
const SPELLINGS: readonly (readonly [Uint8Array, 0 | 1])[] = [
  [new TextEncoder().encode("True"), 1],
  [new TextEncoder().encode("TRUE"), 1],
  [new TextEncoder().encode("true"), 1],
  [new TextEncoder().encode("False"), 0],
  [new TextEncoder().encode("FALSE"), 0],
  [new TextEncoder().encode("false"), 0],
];

/** 1 for a true spelling, 0 for a false one, -1 for any other cell. */
export function booleanCell(buf: Uint8Array, start: number, end: number): 0 | 1 | -1 {
  const length = end - start;
  if (length !== 4 && length !== 5) return -1;
  for (const [spelling, value] of SPELLINGS) {
    if (spelling.length === length && sameBytes(spelling, buf, start)) return value;
  }
  return -1;
}

/** As `booleanCell`, for a cell's text. */
export function booleanText(text: string): 0 | 1 | -1 {
  const bytes = Buffer.from(text, "latin1");
  return booleanCell(bytes, 0, bytes.length);
}
