/**
 * smclarify's last step when no configured value (positive label, sensitive facet value) equals a
 * cell of a categorical column: it converts the values to the type of the column's first cell
 * and compares again (`convert_positive_label_values`). For a column of numbers that conversion
 * is numpy's `int64()` then `float64()`, and a value neither reads (`"x"` beside integers), or
 * one beyond int64 converted to an integer (`1e19`: numpy's OverflowError), raises: the Clarify
 * job stops with that error instead of writing metrics. This finds such a value.
 */

import type { ConfigValue } from "../config/analysis-config.ts";
import { configValueText, pythonFloatReads, pythonFloatValue, pythonIntReads } from "./python-float.ts";

/** A configured value the conversion stops on: as the error shows it, and why it stops. */
export interface Unconvertible {
  /** The value as the config holds it: a text quoted (`"x"`), a number as Python writes it. */
  readonly shown: string;
  /** Why the conversion stops on it, after "stops on <shown>, ". */
  readonly why: string;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * The first configured value the conversion to a column of this pandas dtype stops on, or
 * undefined: only numeric dtypes convert by `int()`/`float()` (text converts by `str()`,
 * booleans by `bool()`, which read anything; a config boolean is Python's `True`, which `int()`
 * reads as 1).
 */
export function unconvertibleValue(values: readonly ConfigValue[], dtype: string): Unconvertible | undefined {
  if (!/^(u?int|float)/.test(dtype)) return undefined;
  if (dtype === "int64") {
    const overflow = int64Overflow(values);
    if (overflow !== undefined) return overflow;
  }
  const text = values.find((value): value is string => typeof value === "string" && !pythonFloatReads(value));
  return text === undefined ? undefined : { shown: JSON.stringify(text), why: "which is not one" };
}

/**
 * The value `int64()` overflows on, converting the values in order: a text `int()` cannot read
 * first sends every value through `float()` instead (no overflow there: `float("1e400")` is inf).
 */
function int64Overflow(values: readonly ConfigValue[]): Unconvertible | undefined {
  for (const value of values) {
    if (typeof value === "boolean") continue;
    if (typeof value === "string") {
      if (!pythonIntReads(value)) return undefined;
      const digits = value.trim().replaceAll("_", "");
      const integer = digits.startsWith("-") ? -BigInt(digits.slice(1)) : BigInt(digits.replace(/^\+/, ""));
      if (integer < INT64_MIN || integer > INT64_MAX) return overflowOf(JSON.stringify(value));
      continue;
    }
    // A number converts by truncation (`int64(1.5)` is 1); infinity and |x| >= 2^63 overflow.
    const number = pythonFloatValue(value);
    if (!(number >= -(2 ** 63) && number < 2 ** 63)) return overflowOf(configValueText(value));
  }
  return undefined;
}

function overflowOf(shown: string): Unconvertible {
  return { shown, why: "which int64 cannot hold (numpy's OverflowError)" };
}
