/**
 * Checks one metric value against the bounds of its gate: the plain bounds on the value
 * (absMax, min, max), optionally judged on the value's bootstrap interval (`confidence`), and
 * the drift bound against a baseline (`maxDrift`). Says which bounds breached and why.
 */

import type { BiasStage } from "../../contracts/bias-stages.ts";
import type { GateDetails } from "../../contracts/gate-evaluation.ts";
import { type IntervalLookup, intervalAt } from "../../contracts/intervals-lookup.ts";
import type { Gate } from "../../contracts/pipeline-state.ts";
import { metricInfo } from "../../engine/report/metric-catalog.ts";
import type { BiasAnalysis } from "./analysis-result.ts";
import type { ResolvedBaseline } from "./baseline.ts";
import { drift, driftInterval } from "./drift.ts";

/** What the gates may compare with besides the value: its interval, and a baseline. */
export interface GateContext {
  readonly intervals?: IntervalLookup;
  readonly baseline?: ResolvedBaseline;
}

/** Where a value was reported. */
export interface ValueLocation {
  readonly metric: string;
  readonly stage: BiasStage;
  readonly facet: string;
  readonly facetValue: string;
}

export interface ValueCheck {
  /** Why the value breaks its gate; absent when it holds. */
  readonly message?: string;
  readonly details: GateDetails;
}

export function checkGateValue(
  where: string,
  at: ValueLocation,
  value: number | null,
  gate: Gate,
  context: GateContext,
): ValueCheck {
  const intervals = context.intervals?.(at.stage, at.facet, at.facetValue, at.metric);
  const level = gate.confidence ?? intervals?.confidence;
  let interval: GateDetails["interval"];
  let intervalNote: string | undefined;
  if (level !== undefined) {
    const found = intervalAt(intervals, level);
    if ("missing" in found) {
      if (gate.confidence !== undefined) {
        intervalNote = `no ${level} interval (${context.intervals ? found.missing : "no intervals.json: the Clarify image writes none"}): the point value was checked`;
      }
    } else {
      interval = { confidence: level, ...found };
    }
  }
  const details: GateDetails = {
    ...(interval && { interval }),
    ...(intervalNote && { intervalNote }),
  };
  if (value === null) {
    return { message: `${where} has no value (null), so the gate cannot be shown to hold`, details };
  }
  const judged = gate.confidence !== undefined ? interval : undefined;
  const breaches: { bound: string; message: string }[] = [];
  for (const bound of plainBounds(where, value, gate, judged)) breaches.push(bound);
  const driftCheck =
    gate.maxDrift === undefined ? undefined : checkDrift(where, at, value, gate.maxDrift, judged, context);
  if (driftCheck?.message) breaches.push({ bound: "maxDrift", message: driftCheck.message });
  const allDetails: GateDetails = {
    ...details,
    ...driftCheck?.details,
    ...(breaches.length > 0 && { breached: breaches.map((b) => b.bound) }),
  };
  if (breaches.length === 0) return { details: allDetails };
  return { message: breaches.map((b) => b.message).join("; "), details: allDetails };
}

/** absMax, min and max on the value, or on its whole interval when the gate asks for confidence. */
function plainBounds(
  where: string,
  value: number,
  gate: Gate,
  interval: GateDetails["interval"],
): { bound: string; message: string }[] {
  const breaches: { bound: string; message: string }[] = [];
  if (interval) {
    const shown = `${where} = ${value}: its whole ${percent(interval.confidence)} interval [${interval.low}, ${interval.high}]`;
    if (gate.absMax !== undefined && (interval.low > gate.absMax || interval.high < -gate.absMax)) {
      breaches.push({ bound: "absMax", message: `${shown} is outside ±absMax ${gate.absMax}` });
    }
    if (gate.min !== undefined && interval.high < gate.min) {
      breaches.push({ bound: "min", message: `${shown} is below min ${gate.min}` });
    }
    if (gate.max !== undefined && interval.low > gate.max) {
      breaches.push({ bound: "max", message: `${shown} is above max ${gate.max}` });
    }
    return breaches;
  }
  if (gate.absMax !== undefined && Math.abs(value) > gate.absMax) {
    breaches.push({
      bound: "absMax",
      message: `${where} = ${value}: |value| ${Math.abs(value)} exceeds absMax ${gate.absMax}`,
    });
  }
  if (gate.min !== undefined && value < gate.min) {
    breaches.push({ bound: "min", message: `${where} = ${value} is below min ${gate.min}` });
  }
  if (gate.max !== undefined && value > gate.max) {
    breaches.push({ bound: "max", message: `${where} = ${value} is above max ${gate.max}` });
  }
  return breaches;
}

function checkDrift(
  where: string,
  at: ValueLocation,
  value: number,
  maxDrift: number,
  interval: GateDetails["interval"],
  context: GateContext,
): { message?: string; details: GateDetails } {
  const baseline = context.baseline;
  if (!baseline) return { message: `${where}: maxDrift needs a baseline, and the run has none`, details: {} };
  if (!baseline.found) {
    return "note" in baseline
      ? { details: { driftNote: baseline.note } }
      : { message: `${where}: maxDrift cannot be checked: ${baseline.problem}`, details: {} };
  }
  const before = metricValue(baseline.analysis, at);
  if (before === undefined || before === null) {
    const lacks =
      before === undefined
        ? `has no ${at.metric} for ${at.facet}=${at.facetValue}`
        : `has no value (null) for ${at.metric} at ${at.facet}=${at.facetValue}`;
    return {
      message: `${where}: the baseline ${baseline.analysisUri} ${lacks}, so maxDrift cannot be checked`,
      details: {},
    };
  }
  const ideal = metricInfo(at.metric).ideal;
  const moved = drift(value, before, ideal);
  const details: GateDetails = { baseline: before, drift: moved };
  const against = `${where} = ${value} vs baseline ${before}`;
  if (interval) {
    const range = driftInterval(interval, before, ideal);
    const withRange = { ...details, driftInterval: range };
    if (range.low > maxDrift) {
      return {
        message: `${against}: even the best of its ${percent(interval.confidence)} interval drifts ${round(range.low)} further from the ideal ${ideal}, above maxDrift ${maxDrift}`,
        details: withRange,
      };
    }
    return { details: withRange };
  }
  if (moved > maxDrift) {
    return {
      message: `${against}: drifted ${round(moved)} further from the ideal ${ideal}, above maxDrift ${maxDrift}`,
      details,
    };
  }
  return { details };
}

/** The value analysis.json reports at `at`; undefined when it reports none there. */
function metricValue(analysis: BiasAnalysis, at: ValueLocation): number | null | undefined {
  const entry = analysis[at.stage]?.facets[at.facet]?.find(
    (value) => value.valueOrThreshold === at.facetValue,
  );
  return entry?.metrics.find((metric) => metric.name === at.metric)?.value;
}

function percent(level: number): string {
  return `${Number((level * 100).toFixed(2))} %`;
}

/** Six significant digits: drift is a difference of two values and shows rounding noise. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
