/**
 * The interval a single threshold becomes in smclarify (`_interval_index` in
 * smclarify/bias/report.py): the breaks are the threshold and the column's maximum, sorted, and
 * a value is positive (or in the facet group) when it lies in `(low, high]`. When the maximum
 * already equals the threshold (smclarify tests `abs(max)`), the breaks hold one value and the
 * interval list is empty: no row is inside, and Clarify writes "" as the value_or_threshold.
 */
import type { ConfigValue } from "../config/analysis-config.ts";
import { EngineInputError } from "../errors.ts";
import { heldAsInt, pythonFloatValue } from "./python-float.ts";
import { pythonFloatRepr } from "./python-float-repr.ts";

export interface ThresholdInterval {
  /** As analysis.json writes it: `(40, 75]`, `(0.5, 0.99]`, or "" when empty. */
  readonly text: string;
  /** No value of the column can lie inside: the threshold is at or above the maximum. */
  readonly empty: boolean;
}

/**
 * @param threshold the configured threshold
 * @param thresholdIsInteger the threshold was written as a JSON integer (not `"40"`, which
 *   smclarify converts with float())
 * @param max the column's maximum
 * @param int64Column pandas reads the column as int64
 */
export function thresholdInterval(
  threshold: number,
  thresholdIsInteger: boolean,
  max: number,
  int64Column: boolean,
): ThresholdInterval {
  const emptyByMax = threshold >= max;
  if (Math.abs(max) === threshold) return { text: "", empty: true };
  const [low, high] = threshold <= max ? [threshold, max] : [max, threshold];
  // pandas keeps integer breaks only when both are integers; one float makes both floats.
  const integerBreaks = int64Column && thresholdIsInteger && Number.isInteger(threshold);
  const format = (x: number) => (integerBreaks ? String(x) : pythonFloatRepr(x));
  return { text: `(${format(low)}, ${format(high)}]`, empty: emptyByMax };
}

/**
 * A configured threshold's interval on a column, as `_interval_index` builds it, given the
 * column as `ColumnProfile.thresholdColumn` describes it. On a column of booleans (with missing
 * cells, typed continuous) the maximum is Python's True or False: a config boolean threshold
 * beside it makes breaks of booleans only, which pandas refuses ("Only numeric, Timestamp and
 * Timedelta endpoints are allowed when constructing an Interval"), and the Clarify job stops;
 * the engine refuses it with that cause (`field` names the config key, `what` the column).
 */
export function configuredThresholdInterval(
  threshold: ConfigValue,
  column: { readonly max: number; readonly integer: boolean; readonly booleanMax: boolean },
  field: string,
  what: string,
): ThresholdInterval {
  const value = pythonFloatValue(threshold);
  if (column.booleanMax && typeof threshold === "boolean" && value !== column.max) {
    const max = column.max === 1 ? "True" : "False";
    throw new EngineInputError(
      `${field} [${threshold}]: ${what} holds true/false values with missing cells, which Clarify reads as a continuous column whose largest value is ${max}; the threshold ${threshold ? "True" : "False"} beside it makes interval breaks of booleans only, which pandas refuses ("Only numeric, Timestamp and Timedelta endpoints are allowed when constructing an Interval"), so the Clarify job stops; give the threshold as a number (${value})`,
    );
  }
  return thresholdInterval(value, heldAsInt(threshold), column.max, column.integer);
}
