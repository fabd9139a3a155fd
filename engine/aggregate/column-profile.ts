import { numberParse, parseNumber } from "../io/parse-number.ts";
import { ValueDictionary } from "./value-dictionary.ts";

/** Clarify's threshold: an integer column with at least 5% distinct values is continuous. */
const UNIQUENESS_THRESHOLD = 0.05;

export type DataType = "categorical" | "continuous";

/**
 * What the engine learns about one analysed column while streaming: its distinct values (in
 * order of first appearance, bounded), whether every value is a number / an integer, and its
 * maximum. Enough to classify the column the way Clarify does once the stream ends.
 */
export class ColumnProfile {
  readonly values: ValueDictionary;
  count = 0;
  allNumeric = true;
  allInteger = true;
  max = Number.NEGATIVE_INFINITY;
  /** The number parsed by the last `observe` (NaN for text). */
  lastNumber = Number.NaN;

  constructor(capacity: number) {
    this.values = new ValueDictionary(capacity);
  }

  /** Records one cell; returns its value id (-1 once the dictionary is full). */
  observe(buf: Uint8Array, start: number, end: number): number {
    this.count++;
    const id = this.values.idOf(buf, start, end);
    if (this.allNumeric) {
      const value = parseNumber(buf, start, end);
      this.lastNumber = value;
      if (Number.isNaN(value)) this.allNumeric = false;
      else {
        if (!numberParse.lastWasInteger) this.allInteger = false;
        if (value > this.max) this.max = value;
      }
    } else {
      this.lastNumber = Number.NaN;
    }
    return id;
  }

  /**
   * Categorical or continuous, by Clarify's rules: several given values mean categories; a
   * float column is continuous; an integer column is continuous when at least 5% of its values
   * are distinct; text is categorical. (A full dictionary means "many distinct values".)
   */
  dataType(givenValues: readonly unknown[] | undefined): DataType {
    if (givenValues !== undefined && givenValues.length > 1) return "categorical";
    if (!this.allNumeric || this.count === 0) return "categorical";
    if (!this.allInteger) return "continuous";
    if (this.values.overflowed) return "continuous";
    return this.values.size / this.count >= UNIQUENESS_THRESHOLD ? "continuous" : "categorical";
  }
}
