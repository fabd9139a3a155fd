/**
 * Bootstrap confidence intervals for every bias metric computed from the count tables.
 *
 * Method: for each facet value's table (facet side × group × label × prediction cells), draw
 * `resamples` tables of the same total from the multinomial distribution over its cells (what
 * resampling the rows with replacement gives), compute every metric on each, and report the
 * percentile interval. One resampled table serves all metrics of the facet value, pre- and
 * post-training alike. Resamples on which a metric cannot be computed (a side left empty) are
 * left out and counted. FT has no interval: it compares individual rows, not counts.
 */
import {
  INTERVAL_LEVELS,
  type IntervalBounds,
  type IntervalsJson,
  type JsonMetricValue,
  levelKey,
  type MetricInterval,
  type StageIntervals,
} from "../../contracts/intervals.ts";
import type { FacetSplitCounts } from "../metrics/counts.ts";
import { type Compute, countMetric, type MetricEntry } from "../metrics/evaluate-metrics.ts";
import type { AnalysisJson, BiasMetrics } from "../output/analysis-json.ts";
import { derivedSeed, SeededRandom } from "../seeded-random.ts";
import { resampleCells } from "./multinomial.ts";
import { percentileInterval } from "./percentile.ts";
import { cellsToSplit, splitToCells } from "./split-cells.ts";

export interface IntervalSettings {
  /** Level of each metric's headline interval, in (0, 1). */
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
}

/** The count table of every facet value, per facet, in analysis.json's order. */
export type CountTables = Readonly<Record<string, readonly FacetSplitCounts[]>>;

/**
 * Below this share of computable resamples the interval would describe only the resamples
 * where a side happened to be non-empty. A side of n rows is empty in about e^-n of them, so
 * this asks for at least 3 rows (1 row: 63 % computable, 2: 86 %, 3: 95 %).
 */
export const MIN_VALID_SHARE = 0.9;

const NO_COUNT_BOOTSTRAP =
  "no interval: FT compares individual rows with their nearest neighbours, which the count tables do not hold";

interface Samples {
  /** The computable resampled values, sorted. */
  readonly sorted: Float64Array;
}

export function bootstrapIntervals(
  analysis: AnalysisJson,
  tables: CountTables,
  settings: IntervalSettings,
): IntervalsJson {
  const levels = [...new Set<number>([...INTERVAL_LEVELS, settings.confidence])].sort((x, y) => x - y);
  const cache = new Map<string, ReadonlyMap<string, Samples>>();
  const samplesOf = (facet: string, index: number): ReadonlyMap<string, Samples> => {
    const key = `${facet}\u0000${index}`;
    let samples = cache.get(key);
    if (!samples) {
      const counts = tables[facet]?.[index];
      const codes = [analysis.pre_training_bias_metrics, analysis.post_training_bias_metrics].flatMap(
        (stage) => stage?.facets[facet]?.[index]?.metrics.map((m) => m.name) ?? [],
      );
      const valueName = analysis.pre_training_bias_metrics?.facets[facet]?.[index]?.value_or_threshold;
      const postName = analysis.post_training_bias_metrics?.facets[facet]?.[index]?.value_or_threshold;
      samples = counts
        ? resampleMetrics(
            counts,
            codes,
            settings,
            derivedSeed(settings.seed, `${facet}\u0000${valueName ?? postName}`),
          )
        : new Map();
      cache.set(key, samples);
    }
    return samples;
  };
  const stage = (metrics: BiasMetrics | undefined): StageIntervals | undefined =>
    metrics && {
      facets: Object.fromEntries(
        Object.entries(metrics.facets).map(([facet, values]) => [
          facet,
          values.map((value, index) => ({
            value_or_threshold: value.value_or_threshold,
            metrics: value.metrics.map((entry) =>
              metricInterval(entry, samplesOf(facet, index).get(entry.name), settings, levels),
            ),
          })),
        ]),
      ),
    };
  const pre = stage(analysis.pre_training_bias_metrics);
  const post = stage(analysis.post_training_bias_metrics);
  return {
    version: "1",
    method: "multinomial-bootstrap-percentile",
    confidence: settings.confidence,
    resamples: settings.resamples,
    seed: settings.seed,
    ...(pre && { pre_training_bias_metrics: pre }),
    ...(post && { post_training_bias_metrics: post }),
  };
}

/** Draws the resampled tables of one facet value and computes every count metric on each. */
function resampleMetrics(
  counts: FacetSplitCounts,
  codes: readonly string[],
  settings: IntervalSettings,
  seed: number,
): ReadonlyMap<string, Samples> {
  const metrics: { code: string; compute: Compute; values: Float64Array; valid: number }[] = [];
  for (const code of new Set(codes)) {
    const compute = countMetric(code);
    if (compute) metrics.push({ code, compute, values: new Float64Array(settings.resamples), valid: 0 });
  }
  if (metrics.length === 0) return new Map();
  const random = new SeededRandom(seed);
  const cells = splitToCells(counts);
  const drawn = new Float64Array(cells.length);
  const grouped = counts.groups !== undefined;
  for (let r = 0; r < settings.resamples; r++) {
    resampleCells(cells, random, drawn);
    const split = cellsToSplit(drawn, grouped);
    for (const metric of metrics) {
      let value: number;
      try {
        value = metric.compute(split);
      } catch {
        // An empty side in this resample: the metric has no value here.
        continue;
      }
      if (!Number.isNaN(value)) metric.values[metric.valid++] = value;
    }
  }
  return new Map(metrics.map((m) => [m.code, { sorted: m.values.slice(0, m.valid).sort() }]));
}

function metricInterval(
  entry: MetricEntry,
  samples: Samples | undefined,
  settings: IntervalSettings,
  levels: readonly number[],
): MetricInterval {
  const base = { name: entry.name, value: entry.value };
  if (samples === undefined) return { ...base, interval: null, error: NO_COUNT_BOOTSTRAP };
  if (entry.value === null) {
    return {
      ...base,
      interval: null,
      error: `no interval: the metric has no value (${entry.error ?? "null"})`,
    };
  }
  const valid = samples.sorted.length;
  if (valid < settings.resamples * MIN_VALID_SHARE) {
    return {
      ...base,
      interval: null,
      validResamples: valid,
      error: `no interval: the metric could be computed on only ${valid} of ${settings.resamples} resamples (a side of this facet value is often empty when resampled)`,
    };
  }
  const at = (level: number): IntervalBounds => {
    const { low, high } = percentileInterval(samples.sorted, level);
    return { low: jsonValue(low), high: jsonValue(high) };
  };
  return {
    ...base,
    interval: at(settings.confidence),
    levels: Object.fromEntries(levels.map((level) => [levelKey(level), at(level)])),
    validResamples: valid,
  };
}

/** As analysis.json writes values: Infinity as text, NaN as null. */
function jsonValue(value: number): JsonMetricValue {
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  return Number.isNaN(value) ? null : value;
}
