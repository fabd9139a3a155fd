import { parseNumber } from "../io/parse-number.ts";

/**
 * Tests cells against configured values (positive labels, sensitive facet values): equal
 * text, or equal numbers (config `1` matches a cell `1.0`), as Clarify's fallback conversion
 * of the configured values to the column's type does.
 */
export class ValueMatcher {
  private readonly texts: Uint8Array[];
  private readonly numbers: number[];
  /** The configured values (a count job sends them to its worker threads). */
  readonly values: readonly (string | number)[];

  constructor(values: readonly (string | number)[]) {
    this.values = values;
    this.texts = values.map((value) => Buffer.from(String(value), "utf8"));
    this.numbers = values
      .map((value) => (typeof value === "number" ? value : Number(value)))
      .filter((value, i) => !Number.isNaN(value) && String(values[i]).trim() !== "");
  }

  matches(buf: Uint8Array, start: number, end: number, parsed?: number): boolean {
    const length = end - start;
    for (const text of this.texts) {
      if (text.length !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (text[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    if (this.numbers.length === 0) return false;
    const value = parsed ?? parseNumber(buf, start, end);
    return !Number.isNaN(value) && this.numbers.includes(value);
  }
}
