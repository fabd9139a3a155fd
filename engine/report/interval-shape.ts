/**
 * The report's view of intervals.json (contracts/intervals.ts): each metric's bootstrap
 * interval at the file's headline level. It reads the file with its one parser,
 * contracts/intervals-lookup.ts (which also keeps every level, for collect-results' confidence
 * gates). Anything not in the expected shape is simply not shown: the intervals are an aid, the
 * values stand alone.
 */
import { intervalLookup } from "../../contracts/intervals-lookup.ts";
import type { BiasStage } from "./analysis-shape.ts";

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
  const lookup = intervalLookup(raw);
  return (stage, facet, facetValue, metric) => {
    const intervals = lookup?.(stage, facet, facetValue, metric);
    return intervals?.headline && { ...intervals.headline, confidence: intervals.confidence };
  };
}
