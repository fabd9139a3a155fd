import { sameBytes } from "./same-bytes.ts";

/**
 * The cells pandas 1.5's read_csv reads as NaN by default (`STR_NA_VALUES`); Clarify drops such
 * rows (see the README). `None` is not among them: pandas added it in 2.0, and smclarify's
 * reference runs with pandas 1.5.3, where a cell `None` is the text "None", a value like any other.
 */
const NA_TOKENS = [
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "n/a",
  "nan",
  "null",
];
/** Longest token: a longer cell is never missing. */
const MAX_LENGTH = Math.max(...NA_TOKENS.map((token) => token.length));
/**
 * The tokens by their first byte and length (`byte * (MAX_LENGTH + 1) + length`), as bytes: the
 * check runs on every analysed cell of every row, so it compares bytes and makes no string.
 */
const CANDIDATES: (readonly Uint8Array[] | undefined)[] = (() => {
  const table: Uint8Array[][] = [];
  for (const token of NA_TOKENS) {
    const bytes = Buffer.from(token, "latin1");
    const key = (bytes[0] as number) * (MAX_LENGTH + 1) + bytes.length;
    table[key] = [...(table[key] ?? []), bytes];
  }
  return Array.from({ length: 256 * (MAX_LENGTH + 1) }, (_, key) => table[key]);
})();

export function isMissing(buf: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0) return true;
  if (length > MAX_LENGTH) return false;
  const tokens = CANDIDATES[(buf[start] as number) * (MAX_LENGTH + 1) + length];
  if (tokens === undefined) return false;
  // The table's key already matched the first byte and the length.
  for (const token of tokens) if (sameBytes(token, buf, start)) return true;
  return false;
}
