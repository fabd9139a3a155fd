/**
 * Reads `output/intervals.json` (the project's engine writes it beside analysis.json; the
 * Clarify image does not) into a lookup of each metric's bootstrap interval by level. The one
 * reader of the file: CollectResults' confidence gates and the engine's report both use it.
 */
import { BIAS_STAGES, type BiasStage } from "./bias-stages.ts";
import { levelKey } from "./intervals.ts";
import { isRecord } from "./is-record.ts";
import { parseMetricValue } from "./metric-value.ts";

export interface NumericInterval {
  readonly low: number;
  readonly high: number;
}

export interface MetricIntervals {
  /** The file's headline level. */
  readonly confidence: number;
  /** The interval at the headline level (the metric's `interval`), when it has one. */
  readonly headline?: NumericInterval;
  /** Interval per level ("0.95"), when the metric has one. */
  readonly levels: Readonly<Record<string, NumericInterval>>;
  /** Why the metric has no interval. */
  readonly error?: string;
}

export type IntervalLookup = (
  stage: BiasStage,
  facet: string,
  facetValue: string,
  metric: string,
) => MetricIntervals | undefined;

/** Parses intervals.json tolerantly: anything not in the expected shape is simply not found. */
export function parseIntervals(text: string): IntervalLookup | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  return intervalLookup(document);
}

/** The lookup of an already parsed intervals.json; undefined when it is not in the expected shape. */
export function intervalLookup(document: unknown): IntervalLookup | undefined {
  if (!isRecord(document) || typeof document.confidence !== "number") return undefined;
  const confidence = document.confidence;
  const found = new Map<string, MetricIntervals>();
  for (const [stage, key] of Object.entries(BIAS_STAGES)) {
    const section = document[key];
    if (!isRecord(section) || !isRecord(section.facets)) continue;
    for (const [facet, values] of Object.entries(section.facets)) {
      if (!Array.isArray(values)) continue;
      for (const value of values) {
        if (!isRecord(value) || !Array.isArray(value.metrics)) continue;
        for (const metric of value.metrics) {
          if (!isRecord(metric) || typeof metric.name !== "string") continue;
          const headline = parseBounds(metric.interval);
          found.set(keyOf(stage, facet, String(value.value_or_threshold), metric.name), {
            confidence,
            ...(headline ? { headline } : {}),
            levels: parseLevels(metric.levels),
            ...(typeof metric.error === "string" ? { error: metric.error } : {}),
          });
        }
      }
    }
  }
  return (stage, facet, facetValue, metric) => found.get(keyOf(stage, facet, facetValue, metric));
}

/** The interval at `level`, or why there is none. */
export function intervalAt(
  intervals: MetricIntervals | undefined,
  level: number,
): NumericInterval | { readonly missing: string } {
  if (!intervals) return { missing: "intervals.json has no entry for it" };
  const interval = intervals.levels[levelKey(level)];
  if (interval) return interval;
  return { missing: intervals.error ?? `intervals.json has no ${level} interval for it` };
}

function parseLevels(raw: unknown): Record<string, NumericInterval> {
  if (!isRecord(raw)) return {};
  const levels: Record<string, NumericInterval> = {};
  for (const [level, bounds] of Object.entries(raw)) {
    const interval = parseBounds(bounds);
    if (interval) levels[level] = interval;
  }
  return levels;
}

/** `{low, high}` as intervals.json writes them; undefined unless both are numbers (Infinity included). */
function parseBounds(raw: unknown): NumericInterval | undefined {
  if (!isRecord(raw)) return undefined;
  const low = parseMetricValue(raw.low);
  const high = parseMetricValue(raw.high);
  if (typeof low !== "number" || typeof high !== "number" || Number.isNaN(low) || Number.isNaN(high)) {
    return undefined;
  }
  return { low, high };
}

function keyOf(stage: string, facet: string, facetValue: string, metric: string): string {
  return JSON.stringify([stage, facet, facetValue, metric]);
}
