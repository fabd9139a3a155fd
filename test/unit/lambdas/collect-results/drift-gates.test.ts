import { describe, expect, it } from "vitest";
import { parseIntervals } from "../../../../contracts/intervals-lookup.ts";
import {
  type BiasAnalysis,
  parseAnalysisResult,
} from "../../../../lambdas/collect-results/analysis-result.ts";
import type { ResolvedBaseline } from "../../../../lambdas/collect-results/baseline.ts";
import { drift, driftInterval } from "../../../../lambdas/collect-results/drift.ts";
import type { GateContext } from "../../../../lambdas/collect-results/gate-bounds.ts";
import { evaluateGates } from "../../../../lambdas/collect-results/gates.ts";

/** The gates with no analysis-context warning. */
function evaluate(analysis: BiasAnalysis, gates: Parameters<typeof evaluateGates>[1], context: GateContext) {
  return evaluateGates(analysis, gates, [], context);
}

/** One facet value with CI (ideal 0) and DI (ideal 1). */
function analysisWith(ci: number | null, di: number): BiasAnalysis {
  return {
    pre_training: { facets: { Sex: [{ valueOrThreshold: "0", metrics: [{ name: "CI", value: ci }] }] } },
    post_training: { facets: { Sex: [{ valueOrThreshold: "0", metrics: [{ name: "DI", value: di }] }] } },
  };
}

function baselineOf(analysis: BiasAnalysis): ResolvedBaseline {
  return { found: true, analysisUri: "s3://runs/credit-a/output/analysis.json", runId: "credit-a", analysis };
}

/** intervals.json with one interval per metric at 0.95 (and 0.8 a little narrower). */
function intervalsJson(ci: [number, number], di: [number, number]): string {
  const metric = (name: string, [low, high]: [number, number]) => ({
    name,
    interval: { low, high },
    levels: { "0.8": { low: low + 0.01, high: high - 0.01 }, "0.95": { low, high } },
  });
  return JSON.stringify({
    version: "1",
    confidence: 0.95,
    pre_training_bias_metrics: {
      facets: { Sex: [{ value_or_threshold: "0", metrics: [metric("CI", ci)] }] },
    },
    post_training_bias_metrics: {
      facets: { Sex: [{ value_or_threshold: "0", metrics: [metric("DI", di)] }] },
    },
  });
}

describe("drift", () => {
  it("is the change in distance from the ideal: worsening positive, improvement negative", () => {
    // Act / Assess
    expect(drift(0.3, 0.1, 0)).toBeCloseTo(0.2, 12);
    expect(drift(-0.3, 0.1, 0)).toBeCloseTo(0.2, 12);
    expect(drift(0.05, 0.1, 0)).toBeCloseTo(-0.05, 12);
    expect(drift(0.7, 0.9, 1)).toBeCloseTo(0.2, 12);
    expect(drift(1.05, 0.9, 1)).toBeCloseTo(-0.05, 12);
    expect(drift(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1)).toBe(0);
  });

  it("over an interval runs from its point nearest the ideal to its farthest", () => {
    // Act / Assess: the interval [-0.1, 0.3] holds the ideal 0
    expect(driftInterval({ low: -0.1, high: 0.3 }, 0.1, 0)).toEqual({ low: -0.1, high: 0.3 - 0.1 });
    const above = driftInterval({ low: 0.2, high: 0.4 }, 0.1, 0);
    expect(above.low).toBeCloseTo(0.1, 12);
    expect(above.high).toBeCloseTo(0.3, 12);
  });
});

describe("maxDrift gates", () => {
  it("fail a value that moved further from the ideal than maxDrift allows, naming the drift", () => {
    // Prepare: CI 0.1 → 0.3 (drift 0.2); DI 0.9 → 0.7 (drift 0.2)
    const baseline = baselineOf(analysisWith(0.1, 0.9));
    // Act
    const report = evaluate(
      analysisWith(0.3, 0.7),
      { CI: { maxDrift: 0.05 }, DI: { maxDrift: 0.25 } },
      { baseline },
    );
    // Assess
    expect(report.breaches).toHaveLength(1);
    expect(report.breaches[0]).toMatchObject({
      metric: "CI",
      value: 0.3,
      baseline: 0.1,
      breached: ["maxDrift"],
      message:
        "CI for Sex=0 (pre-training) = 0.3 vs baseline 0.1: drifted 0.2 further from the ideal 0, above maxDrift 0.05",
    });
    expect(report.breaches[0]?.drift).toBeCloseTo(0.2, 12);
    const di = report.evaluations.find((e) => e.metric === "DI");
    expect(di).toMatchObject({ passed: true, baseline: 0.9 });
    expect(di?.drift).toBeCloseTo(0.2, 12);
  });

  it("never fail an improvement, even with maxDrift 0 (Model Monitor's rule)", () => {
    // Prepare: CI 0.3 → -0.1 and DI 0.7 → 1.2 are both closer to their ideals
    const baseline = baselineOf(analysisWith(0.3, 0.7));
    // Act
    const report = evaluate(
      analysisWith(-0.1, 1.2),
      { CI: { maxDrift: 0 }, DI: { maxDrift: 0 } },
      { baseline },
    );
    // Assess
    expect(report.breaches).toEqual([]);
    expect(report.evaluations.map((e) => e.drift)).toEqual([
      expect.closeTo(-0.2, 12),
      expect.closeTo(-0.1, 12),
    ]);
  });

  it("fail when the baseline lacks the gated metric or value", () => {
    // Prepare: the baseline reports CI for another facet value only, and DI as null
    const baseline = baselineOf({
      pre_training: { facets: { Sex: [{ valueOrThreshold: "1", metrics: [{ name: "CI", value: 0.1 }] }] } },
      post_training: { facets: { Sex: [{ valueOrThreshold: "0", metrics: [{ name: "DI", value: null }] }] } },
    });
    // Act
    const report = evaluate(
      analysisWith(0.1, 0.9),
      { CI: { maxDrift: 1 }, DI: { maxDrift: 1 } },
      { baseline },
    );
    // Assess
    expect(report.breaches.map((b) => b.message)).toEqual([
      "CI for Sex=0 (pre-training): the baseline s3://runs/credit-a/output/analysis.json has no CI for Sex=0, so maxDrift cannot be checked",
      "DI for Sex=0 (post-training): the baseline s3://runs/credit-a/output/analysis.json has no value (null) for DI at Sex=0, so maxDrift cannot be checked",
    ]);
  });

  it("fail when a named baseline cannot be read, and wait for a first passed run otherwise", () => {
    // Prepare
    const unreadable: ResolvedBaseline = {
      found: false,
      problem: "the baseline s3://x/analysis.json does not exist",
    };
    const none: ResolvedBaseline = { found: false, note: "no earlier run passed its gates yet" };
    // Act
    const failed = evaluate(analysisWith(0.1, 0.9), { CI: { maxDrift: 0 } }, { baseline: unreadable });
    const waiting = evaluate(
      analysisWith(0.1, 0.9),
      { CI: { absMax: 0.5, maxDrift: 0 } },
      { baseline: none },
    );
    // Assess
    expect(failed.breaches[0]?.message).toBe(
      "CI for Sex=0 (pre-training): maxDrift cannot be checked: the baseline s3://x/analysis.json does not exist",
    );
    expect(waiting.breaches).toEqual([]);
    expect(waiting.evaluations[0]).toMatchObject({
      passed: true,
      driftNote: "no earlier run passed its gates yet",
    });
  });

  it("with confidence, breach only when even the interval's best value drifted too far", () => {
    // Prepare: CI 0.1 → 0.3 with interval [0.12, 0.48]: best drift 0.02, point drift 0.2
    const baseline = baselineOf(analysisWith(0.1, 0.9));
    const intervals = parseIntervals(intervalsJson([0.12, 0.48], [0.5, 0.9]));
    // Act
    const plain = evaluate(analysisWith(0.3, 0.7), { CI: { maxDrift: 0.1 } }, { baseline, intervals });
    const confident = evaluate(
      analysisWith(0.3, 0.7),
      { CI: { maxDrift: 0.1, confidence: 0.95 }, DI: { maxDrift: 0.05, confidence: 0.95 } },
      { baseline, intervals },
    );
    // Assess
    expect(plain.breaches.map((b) => b.metric)).toEqual(["CI"]);
    expect(confident.evaluations[0]).toMatchObject({
      passed: true,
      interval: { confidence: 0.95, low: 0.12, high: 0.48 },
    });
    expect(confident.evaluations[0]?.driftInterval?.low).toBeCloseTo(0.02, 12);
    // DI's interval [0.5, 0.9] is at best 0.1 from 1 against the baseline's 0.1: drift ≥ 0, not above 0.05
    expect(confident.evaluations[1]).toMatchObject({ passed: true });
  });
});

describe("confidence gates", () => {
  it("pass a borderline value whose interval still reaches the allowed range, which a plain gate fails", () => {
    // Prepare: CI = 0.22 over absMax 0.2, but its 95 % interval [0.15, 0.29] reaches below 0.2
    const intervals = parseIntervals(intervalsJson([0.15, 0.29], [0.5, 0.9]));
    // Act
    const plain = evaluate(analysisWith(0.22, 0.7), { CI: { absMax: 0.2 } }, { intervals });
    const confident = evaluate(
      analysisWith(0.22, 0.7),
      { CI: { absMax: 0.2, confidence: 0.95 } },
      { intervals },
    );
    // Assess
    expect(plain.breaches.map((b) => b.breached)).toEqual([["absMax"]]);
    expect(plain.evaluations[0]?.interval).toEqual({ confidence: 0.95, low: 0.15, high: 0.29 });
    expect(confident.breaches).toEqual([]);
  });

  it("fail when the whole interval is outside, at the gate's level", () => {
    // Prepare: DI = 0.6 with 95 % interval [0.5, 0.9]; at 0.8 it is [0.51, 0.89]
    const intervals = parseIntervals(intervalsJson([0.15, 0.29], [0.5, 0.9]));
    // Act
    const report = evaluate(
      analysisWith(0.1, 0.6),
      { DI: { min: 0.95, confidence: 0.8 }, CI: { max: 0.1, confidence: 0.95 } },
      { intervals },
    );
    // Assess
    expect(report.breaches.map((b) => [b.metric, b.breached, b.message])).toEqual([
      [
        "DI",
        ["min"],
        "DI for Sex=0 (post-training) = 0.6: its whole 80 % interval [0.51, 0.89] is below min 0.95",
      ],
      [
        "CI",
        ["max"],
        "CI for Sex=0 (pre-training) = 0.1: its whole 95 % interval [0.15, 0.29] is above max 0.1",
      ],
    ]);
  });

  it("check the point value, and say so, when there is no interval", () => {
    // Act
    const report = evaluate(analysisWith(0.22, 0.7), { CI: { absMax: 0.2, confidence: 0.95 } }, {});
    // Assess
    expect(report.breaches[0]).toMatchObject({ breached: ["absMax"] });
    expect(report.evaluations[0]?.intervalNote).toBe(
      "no 0.95 interval (no intervals.json: the Clarify image writes none): the point value was checked",
    );
  });
});

describe("a facet named as an Object property (constructor)", () => {
  /** analysis.json with CI for one facet value of `facet`. */
  function analysisJson(facet: string, ci: number): string {
    return JSON.stringify({
      version: "1.0",
      pre_training_bias_metrics: {
        label: "Target",
        label_value_or_threshold: "1",
        facets: { [facet]: [{ value_or_threshold: "0", metrics: [{ name: "CI", value: ci }] }] },
      },
    });
  }

  it("is missing from a baseline that does not report it, so its drift gate fails with that reason", () => {
    // Prepare: the baseline analysed the facet Sex only.
    const analysis = parseAnalysisResult(
      analysisJson("constructor", 0.3),
      "s3://runs/b/output/analysis.json",
    );
    const baseline = baselineOf(
      parseAnalysisResult(analysisJson("Sex", 0.1), "s3://runs/a/output/analysis.json"),
    );
    // Act
    const report = evaluate(analysis, { CI: { maxDrift: 0.05 } }, { baseline });
    // Assess
    expect(report.breaches).toHaveLength(1);
    expect(report.breaches[0]?.message).toBe(
      "CI for constructor=0 (pre-training): the baseline s3://runs/credit-a/output/analysis.json has no CI for constructor=0, so maxDrift cannot be checked",
    );
  });
});
