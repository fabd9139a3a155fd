/**
 * Reads intervals.json (contracts/intervals.ts) for the report: each metric's bootstrap
 * interval at the file's headline level, by stage, facet, facet value and metric. Anything not
 * in the expected shape is simply not shown: the intervals are an aid, the values stand alone.
 */
import { isRecord } from "../../lambdas/shared/is-record.ts";
import { parseMetricValue } from "../../lambdas/shared/metric-value.ts";
import type { BiasStage } from "./analysis-shape.ts";

const STAGE_KEYS: Readonly<Record<BiasStage, string>> = {
  pre_training: "pre_training_bias_metrics",
  post_training: "post_training_bias_metrics",
};

export interface ReportInterval {
  readonly low: number;
  readonly high: number;
  /** The level, e.g. 0.95. */
  readonly confidence: number;
}

export type IntervalFinder = (
  stage: BiasStage,
  facet: string,
  facetValue: string,
  metric: string,
) => ReportInterval | undefined;

export function readIntervals(raw: unknown): IntervalFinder {
  const found = new Map<string, ReportInterval>();
  if (isRecord(raw) && typeof raw.confidence === "number") {
    const confidence = raw.confidence;
    for (const [stage, key] of Object.entries(STAGE_KEYS)) {
      const section = raw[key];
      if (!isRecord(section) || !isRecord(section.facets)) continue;
      for (const [facet, values] of Object.entries(section.facets)) {
        if (!Array.isArray(values)) continue;
        for (const value of values) {
          if (!isRecord(value) || !Array.isArray(value.metrics)) continue;
          for (const metric of value.metrics) {
            if (!isRecord(metric) || typeof metric.name !== "string" || !isRecord(metric.interval)) continue;
            const low = parseMetricValue(metric.interval.low);
            const high = parseMetricValue(metric.interval.high);
            if (
              typeof low !== "number" ||
              typeof high !== "number" ||
              Number.isNaN(low) ||
              Number.isNaN(high)
            )
              continue;
            found.set(keyOf(stage, facet, String(value.value_or_threshold), metric.name), {
              low,
              high,
              confidence,
            });
          }
        }
      }
    }
  }
  return (stage, facet, facetValue, metric) => found.get(keyOf(stage, facet, facetValue, metric));
}

function keyOf(stage: string, facet: string, facetValue: string, metric: string): string {
  return JSON.stringify([stage, facet, facetValue, metric]);
}
