import { booleanCell } from "./boolean-cell.ts";
import type { ColumnProfile } from "./column-profile.ts";
import { castOrRefusal, castRefusalError, type IntegerDtype } from "./predicted-cast.ts";
import type { ValueMatcher } from "./value-matcher.ts";

/** Bit 0 of a reading: the cell matches a configured value. */
export const MATCHED = 1;
/** Bit 1 of a reading: the cell is a number above the threshold. */
export const ABOVE = 2;

/**
 * How a rule (configured values, threshold) reads a column's cells: bit 0 the cell matches a
 * value, bit 1 it is a number above the threshold. A reading depends only on the cell's bytes
 * and on whether the column was all numbers so far (after its first text cell, a pass compares
 * no numbers: `ColumnProfile.lastNumber` is NaN), so it is kept per value id and worked out
 * once per distinct value instead of once per row. That a number matches only before the
 * column's first text cell depends on the row order; mixed-columns.ts finds the columns where
 * it mattered once every row is counted, and they are counted again with text matching.
 * With `castTo` (predicted labels of an integer label, counted again: predicted-cast.ts), the
 * number is cast to that integer dtype before the threshold, as smclarify does.
 */
export class CellReading {
  private readonly matcher: ValueMatcher | undefined;
  private readonly threshold: number | undefined;
  private readonly castTo: IntegerDtype | undefined;
  /** Per value id: its reading, -1 when not yet known. */
  private known = new Int8Array(64).fill(-1);
  /** `profile.allNumeric` when the readings in `known` were taken. */
  private numeric = true;

  constructor(matcher: ValueMatcher | undefined, threshold: number | undefined, castTo?: IntegerDtype) {
    this.matcher = matcher;
    this.threshold = threshold;
    this.castTo = castTo;
  }

  /**
   * The reading of the cell just observed in `profile` with value id `id`; `buf[start, end)` are
   * its bytes, needed only when it has no id (-1: the dictionary was full).
   */
  read(profile: ColumnProfile, id: number, buf: Uint8Array, start: number, end: number): number {
    if (profile.allNumeric !== this.numeric) {
      this.numeric = profile.allNumeric;
      this.known.fill(-1);
    }
    if (id >= 0 && id < this.known.length) {
      const reading = this.known[id] as number;
      if (reading !== -1) return reading;
    }
    // A listed value's bytes are in the dictionary (the reader's view may be another column's by now).
    const values = profile.values;
    const matched = (
      id >= 0
        ? this.matcher?.matchesParsed(values.pool, values.start(id), values.end(id), profile)
        : this.matcher?.matchesParsed(buf, start, end, profile)
    )
      ? MATCHED
      : 0;
    // The number is read in place unless cast: a call's fractional result may be boxed on the heap.
    let number = this.castTo === undefined ? profile.lastNumber : this.cast(profile, id, buf, start, end);
    // A cell pandas reads as a boolean is 1 or 0 to a threshold (a column of booleans with
    // missing cells is continuous when small: column-typing.ts).
    if (Number.isNaN(number) && this.threshold !== undefined) {
      number =
        id >= 0 ? booleanCell(values.pool, values.start(id), values.end(id)) : booleanCell(buf, start, end);
      if (number === -1) number = Number.NaN;
    }
    const above = this.threshold !== undefined && number > this.threshold ? ABOVE : 0;
    const reading = matched | above;
    if (id >= 0) {
      if (id >= this.known.length) this.grow(id);
      this.known[id] = reading;
    }
    return reading;
  }

  /**
   * The cell's number cast to `castTo`, as smclarify compares it with the threshold. It runs
   * once per row for a column past its dictionary's capacity, so it allocates nothing unless
   * it refuses the cell, whose text only the error needs.
   */
  private cast(profile: ColumnProfile, id: number, buf: Uint8Array, start: number, end: number): number {
    const castTo = this.castTo as IntegerDtype;
    const cast = castOrRefusal(profile.lastNumber, castTo);
    if (typeof cast === "number") return cast;
    const cell = id >= 0 ? profile.values.text(id) : Buffer.from(buf.subarray(start, end)).toString("latin1");
    throw castRefusalError(cast, castTo, cell);
  }

  private grow(id: number): void {
    const known = new Int8Array(Math.max(2 * this.known.length, id + 1)).fill(-1);
    known.set(this.known);
    this.known = known;
  }
}
