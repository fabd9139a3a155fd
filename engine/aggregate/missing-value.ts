/** The cells pandas reads as NaN by default; Clarify drops such rows (see the README). */
const NA_TOKENS = new Set([
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
  "None",
  "n/a",
  "nan",
  "null",
]);
const FIRST_BYTES = new Set([...NA_TOKENS].map((token) => token.charCodeAt(0)));

export function isMissing(buf: Uint8Array, start: number, end: number): boolean {
  if (start === end) return true;
  // Cheap pre-check so ordinary values never become strings.
  if (end - start > 8 || !FIRST_BYTES.has(buf[start] as number)) return false;
  if (buf[start] === 0x31 && buf[start + 1] !== 0x2e) return false;
  if (buf[start] === 0x2d && end - start < 4) return false;
  return NA_TOKENS.has(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1"));
}
