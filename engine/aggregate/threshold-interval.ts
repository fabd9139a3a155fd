/**
 * The interval a single threshold becomes in smclarify (`_interval_index` in
 * smclarify/bias/report.py): the breaks are the threshold and the column's maximum, sorted, and
 * a value is positive (or in the facet group) when it lies in `(low, high]`. When the maximum
 * already equals the threshold (smclarify tests `abs(max)`), the breaks hold one value and the
 * interval list is empty: no row is inside, and Clarify writes "" as the value_or_threshold.
 */
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
