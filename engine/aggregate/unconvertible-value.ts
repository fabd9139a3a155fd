/**
 * smclarify's last step when no configured value (positive label, sensitive facet value) equals a
 * cell of a categorical column: it converts the values to the type of the column's first cell
 * and compares again (`convert_positive_label_values`). For a column of numbers that conversion
 * is Python's `int()` then `float()`, and a value neither reads (`"x"` beside integers) raises:
 * the Clarify job stops with that error instead of writing metrics. This finds such a value.
 */

import type { ConfigValue } from "../config/analysis-config.ts";
import { pythonFloatReads } from "./python-float.ts";

/**
 * The first configured text value that the conversion to a column of this pandas dtype cannot
 * read, or undefined: only numeric dtypes convert by `int()`/`float()` (text converts by `str()`,
 * booleans by `bool()`, which read anything; a config boolean is Python's `True`, which `int()`
 * reads as 1).
 */
export function unconvertibleValue(values: readonly ConfigValue[], dtype: string): string | undefined {
  if (!/^(u?int|float)/.test(dtype)) return undefined;
  return values.find((value): value is string => typeof value === "string" && !pythonFloatReads(value));
}
