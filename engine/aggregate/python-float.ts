/**
 * Configured values as the Clarify container converts them: it parses the config with Python,
 * and smclarify turns a configured text into a number with Python's `int()` / `float()`, whose
 * grammar differs from JavaScript's `Number()`: `"1_000"` is 1000, `"inf"` infinity, while
 * `"0x10"`, `"0b1"` and `"0o7"` are no numbers.
 */

/** Python's `float()` grammar: spaces around, a sign, digits with single `_` between them, `inf`, `nan`. */
const DIGITS = String.raw`\d(?:_?\d)*`;
const PYTHON_FLOAT = new RegExp(
  String.raw`^\s*[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)\s*$`,
  "i",
);

/** Whether Python's `float(text)` reads the text. */
export function pythonFloatReads(text: string): boolean {
  return PYTHON_FLOAT.test(text);
}

/**
 * A configured value as the number Python's `float()` reads from it (a number stays itself), or
 * NaN when Python reads none (and for `nan`, which equals nothing).
 */
export function pythonFloatValue(value: string | number): number {
  if (typeof value === "number") return value;
  if (!pythonFloatReads(value)) return Number.NaN;
  const text = value.trim().replaceAll("_", "").toLowerCase();
  const unsigned = text.replace(/^[+-]/, "");
  if (unsigned === "inf" || unsigned === "infinity") return text.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}
