import type { ConfigValue } from "../config/analysis-config.ts";
import { parseNumber } from "../io/parse-number.ts";
import { booleanCell } from "./boolean-cell.ts";
import { configValueText, pythonFloatValue } from "./python-float.ts";
import { sameBytes } from "./same-bytes.ts";

/**
 * How a matcher compares: "text-or-number" (equal text, or equal numbers) for a column of
 * numbers; "text" (equal text only) for a column holding any text, whose cells pandas reads as
 * strings (see mixed-columns.ts).
 */
export type Matching = "text-or-number" | "text";

/**
 * Tests cells against configured values (positive labels, sensitive facet values): equal
 * text, or equal numbers (config `1` matches a cell `1.0`), as Clarify's fallback conversion
 * of the configured values to the column's type does; in "text" matching, equal text only.
 * A config boolean is Python's `True`: the text "True" and the number 1. A cell pandas reads as
 * a boolean (`True`, `false`, ...: boolean-cell.ts) is the number 1 or 0 to pandas, so config
 * `1` and `true` match a cell `true`; where the column holds other text too, pandas keeps every
 * cell a string, and mixed-columns.ts has the column counted again with text matching.
 */
export class ValueMatcher {
  private readonly texts: Uint8Array[];
  private readonly numbers: number[];
  /**
   * Whether each configured text that reads as a number (by the cells' grammar, parse-number.ts)
   * is among `numbers`: then a cell that reads as a number matches some text only if its number
   * is among them too, and matchesParsed compares its number alone.
   */
  private readonly textsAmongNumbers: boolean;
  /** The configured values (a count job sends them to its worker threads). */
  readonly values: readonly ConfigValue[];
  readonly matching: Matching;

  constructor(values: readonly ConfigValue[], matching: Matching = "text-or-number") {
    this.values = values;
    this.matching = matching;
    this.texts = values.map((value) => Buffer.from(configValueText(value), "utf8"));
    this.numbers =
      matching === "text"
        ? []
        : values
            // As smclarify converts a configured text for a column of numbers: Python's float().
            .map(pythonFloatValue)
            .filter((value) => !Number.isNaN(value));
    this.textsAmongNumbers = this.texts.every((text) => {
      const value = parseNumber(text, 0, text.length);
      return Number.isNaN(value) || this.numbers.includes(value);
    });
  }

  /** Whether some configured value is a number this matcher compares as one. */
  get comparesNumbers(): boolean {
    return this.numbers.length > 0;
  }

  matches(buf: Uint8Array, start: number, end: number, parsed?: number): boolean {
    if (this.matchesText(buf, start, end)) return true;
    if (this.numbers.length === 0) return false;
    const value = parsed ?? parseNumber(buf, start, end);
    if (!Number.isNaN(value)) return this.numbers.includes(value);
    const truth = booleanCell(buf, start, end);
    return truth !== -1 && this.numbers.includes(truth);
  }

  /**
   * As `matches`, with the cell's number read from `parsed.lastNumber` (a ColumnProfile's): the
   * count loop passes no number to this call, which would box it on the heap once per cell.
   */
  matchesParsed(
    buf: Uint8Array,
    start: number,
    end: number,
    parsed: { readonly lastNumber: number },
  ): boolean {
    let value = parsed.lastNumber;
    // A cell equal to a configured text reads as that text's number: when the text's number is
    // configured, the numbers alone decide (a column of many distinct numbers compares each cell).
    if (Number.isNaN(value) || !this.textsAmongNumbers) {
      if (this.matchesText(buf, start, end)) return true;
      if (this.numbers.length === 0) return false;
    }
    // A cell pandas reads as a boolean is the number 1 or 0 (a column of booleans is all text here).
    if (Number.isNaN(value)) {
      const truth = booleanCell(buf, start, end);
      if (truth === -1) return false;
      value = truth;
    }
    // A loop rather than `includes`, whose call would box the number (NaN never equals a value).
    for (let i = 0; i < this.numbers.length; i++) if (this.numbers[i] === value) return true;
    return false;
  }

  matchesText(buf: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    for (const text of this.texts) {
      if (text.length === length && sameBytes(text, buf, start)) return true;
    }
    return false;
  }
}
