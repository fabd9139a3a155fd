/**
 * `output/intervals.json`: bootstrap confidence intervals of the bias metrics, written by the
 * project's engine beside `analysis.json` (which keeps exactly Clarify's shape). The Clarify
 * image writes no such file, so every reader treats it as optional.
 *
 * The layout mirrors analysis.json (stage → facet → value_or_threshold → metrics), so a reader
 * finds a metric's interval where it finds its value.
 */

/** File name under the job's `analysis_result` output. */
export const INTERVALS_FILE = "intervals.json";

/** Two-sided levels every intervals.json carries, so a gate may ask for any of them. */
export const INTERVAL_LEVELS = [0.8, 0.9, 0.95, 0.99] as const;

export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 20261201;

/** A metric value as analysis.json writes it: a number, "Infinity"/"-Infinity", or null. */
export type JsonMetricValue = number | string | null;

export interface IntervalBounds {
  readonly low: JsonMetricValue;
  readonly high: JsonMetricValue;
}

export interface MetricInterval {
  /** Metric code, as in analysis.json. */
  readonly name: string;
  /** The point value, as in analysis.json. */
  readonly value: JsonMetricValue;
  /** The interval at the file's `confidence`; null when none could be computed (see `error`). */
  readonly interval: IntervalBounds | null;
  /** The interval at every level of INTERVAL_LEVELS (and `confidence`), keyed by the level as text ("0.95"). */
  readonly levels?: Readonly<Record<string, IntervalBounds>>;
  /** Resamples on which the metric could be computed (the others left an empty group). */
  readonly validResamples?: number;
  /** Why there is no interval. */
  readonly error?: string;
}

export interface FacetValueIntervals {
  readonly value_or_threshold: string;
  readonly metrics: readonly MetricInterval[];
}

export interface StageIntervals {
  readonly facets: Readonly<Record<string, readonly FacetValueIntervals[]>>;
}

export interface IntervalsJson {
  readonly version: "1";
  /** How the intervals were computed (see engine/README.md). */
  readonly method: "multinomial-bootstrap-percentile";
  /** The level of each metric's `interval`. */
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
  readonly pre_training_bias_metrics?: StageIntervals;
  readonly post_training_bias_metrics?: StageIntervals;
}

/** The key of a level in `levels`: the shortest text of the number ("0.95", "0.9"). */
export function levelKey(level: number): string {
  return String(level);
}
