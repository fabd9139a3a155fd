import { describe, expect, it } from "vitest";
import { ANY_FACET } from "../../../../contracts/gate-evaluation.ts";
import {
  type BiasAnalysis,
  parseAnalysisResult,
} from "../../../../lambdas/collect-results/analysis-result.ts";
import { verdictMessage } from "../../../../lambdas/collect-results/collect.ts";
import { evaluateGates } from "../../../../lambdas/collect-results/gates.ts";
import { AnalysisResultError } from "../../../../lambdas/shared/errors.ts";
import { CAUSE_LIMIT } from "../../../../lambdas/shared/failure-text.ts";

const URI = "s3://clarify-runs/runs/r1/output/analysis.json";

const analysis: BiasAnalysis = {
  pre_training: {
    facets: {
      Sex: [
        { valueOrThreshold: "0", metrics: [{ name: "CI", value: -0.31 }] },
        { valueOrThreshold: "1", metrics: [{ name: "CI", value: 0.1 }] },
      ],
    },
  },
  post_training: {
    facets: {
      Sex: [
        {
          valueOrThreshold: "0",
          metrics: [
            { name: "DI", value: 0.7 },
            { name: "DPPL", value: null },
          ],
        },
      ],
    },
  },
};

describe("evaluateGates", () => {
  it("checks every facet value that reports the metric against absMax", () => {
    // Prepare
    const gates = { CI: { absMax: 0.2 } };

    // Act
    const report = evaluateGates(analysis, gates);

    // Assess
    expect(report.evaluations.map((e) => [e.facetValue, e.value, e.passed])).toEqual([
      ["0", -0.31, false],
      ["1", 0.1, true],
    ]);
    expect(report.breaches).toEqual([
      {
        metric: "CI",
        stage: "pre_training",
        facet: "Sex",
        facetValue: "0",
        value: -0.31,
        gate: { absMax: 0.2 },
        breached: ["absMax"],
        message: "CI for Sex=0 (pre-training) = -0.31: |value| 0.31 exceeds absMax 0.2",
      },
    ]);
  });

  it("applies min and max bounds", () => {
    // Prepare
    const below = { DI: { min: 0.8, max: 1.25 } };
    const within = { DI: { min: 0.6, max: 0.75 } };

    // Act
    const failing = evaluateGates(analysis, below);
    const passing = evaluateGates(analysis, within);

    // Assess
    expect(failing.breaches.map((b) => b.message)).toEqual([
      "DI for Sex=0 (post-training) = 0.7 is below min 0.8",
    ]);
    expect(passing.breaches).toEqual([]);
    expect(evaluateGates(analysis, { DI: { max: 0.5 } }).breaches[0]?.message).toBe(
      "DI for Sex=0 (post-training) = 0.7 is above max 0.5",
    );
  });

  it("treats a null value under a gate as a breach", () => {
    // Prepare
    const gates = { DPPL: { absMax: 0.1 } };

    // Act
    const report = evaluateGates(analysis, gates);

    // Assess
    expect(report.breaches).toHaveLength(1);
    expect(report.breaches[0]?.value).toBeNull();
    expect(report.breaches[0]?.message).toMatch(/DPPL for Sex=0 \(post-training\) has no value \(null\)/);
  });

  it('breaks a gate with Clarify\'s "Infinity" and treats "NaN" as no value', () => {
    // Prepare
    const raw = {
      post_training_bias_metrics: {
        facets: {
          Sex: [
            {
              value_or_threshold: "0",
              metrics: [
                { name: "DI", value: "Infinity" },
                { name: "TE", value: "NaN" },
              ],
            },
          ],
        },
      },
    };
    // Act
    const report = evaluateGates(parseAnalysisResult(JSON.stringify(raw), URI), {
      DI: { max: 1.25 },
      TE: { absMax: 1 },
    });
    // Assess
    expect(report.breaches.map((b) => [b.metric, b.value, b.message])).toEqual([
      ["DI", Number.POSITIVE_INFINITY, "DI for Sex=0 (post-training) = Infinity is above max 1.25"],
      ["TE", null, "TE for Sex=0 (post-training) has no value (null), so the gate cannot be shown to hold"],
    ]);
  });

  it("reports a gate on a metric that analysis.json lacks as a breach", () => {
    // Prepare
    const gates = { KL: { max: 0.1 }, AD: { absMax: 0.1 } };

    // Act
    const report = evaluateGates(analysis, gates);

    // Assess
    expect(report.breaches.map((b) => [b.metric, b.stage, b.facet, b.message.slice(0, 33)])).toEqual([
      ["KL", "pre_training", ANY_FACET, "metric KL not in analysis.json: n"],
      ["AD", "post_training", ANY_FACET, "metric AD not in analysis.json: n"],
    ]);
  });
});

describe("parseAnalysisResult", () => {
  it("reads Clarify's bias sections, stringifying facet values and nulling non-numbers", () => {
    // Prepare
    const text = JSON.stringify({
      version: "1.0",
      pre_training_bias_metrics: {
        label: "Target",
        label_value_or_threshold: 1,
        facets: {
          Age: [{ value_or_threshold: [30, 40], metrics: [{ name: "CI", description: "d", value: "NaN" }] }],
        },
      },
      explanations: {},
    });

    // Act
    const parsed = parseAnalysisResult(text, URI);

    // Assess
    expect(parsed).toEqual({
      pre_training: {
        label: "Target",
        labelValueOrThreshold: "1",
        facets: {
          Age: [{ valueOrThreshold: "[30,40]", metrics: [{ name: "CI", description: "d", value: null }] }],
        },
      },
    });
  });

  it("names the URI and the parse problem of corrupt JSON", () => {
    // Prepare
    const text = '{"pre_training_bias_metrics": ';

    // Act
    const act = () => parseAnalysisResult(text, URI);

    // Assess
    expect(act).toThrow(AnalysisResultError);
    expect(act).toThrow(new RegExp(`^${URI} is not valid JSON: `));
  });

  it("names the JSON path that breaks the format", () => {
    // Prepare
    const text = JSON.stringify({
      post_training_bias_metrics: { facets: { Sex: [{ value_or_threshold: "0" }] } },
    });

    // Act
    const act = () => parseAnalysisResult(text, URI);

    // Assess
    expect(act).toThrow(
      `${URI} is not in Clarify's analysis.json format: $.post_training_bias_metrics.facets["Sex"][0].metrics must be an array of {name, value}`,
    );
  });
});

describe("evaluateGates with the analysis context's warnings", () => {
  const emptyGroup = {
    code: "EMPTY_FACET_GROUP",
    message: 'facet "Sex" value_or_threshold ["0"] matches no row; the values that occur are "1" (9 rows)',
    facet: "Sex",
    valueOrThreshold: "0",
    failsGates: true,
  };

  it("fails every gate on a facet value a warning marks as failing gates, whatever the value", () => {
    // Prepare: CI of Sex=0 is -0.31, inside absMax 0.5, but the group is empty
    const gates = { CI: { absMax: 0.5 } };
    // Act
    const report = evaluateGates(analysis, gates, [emptyGroup]);
    // Assess: Sex=1 is out of the warning's scope and passes
    expect(report.evaluations.map((e) => [e.facetValue, e.passed])).toEqual([
      ["0", false],
      ["1", true],
    ]);
    expect(report.breaches[0]).toMatchObject({ warning: "EMPTY_FACET_GROUP", facetValue: "0" });
    expect(report.breaches[0]?.message).toBe(
      `CI for Sex=0 (pre-training) = -0.31 cannot pass: ${emptyGroup.message}`,
    );
  });

  it("fails every gate under a warning on the whole analysis, and ignores warnings that only inform", () => {
    // Prepare
    const gates = { CI: { absMax: 0.5 } };
    const noPositive = { code: "LABEL_NO_POSITIVE", message: "no row is positive", failsGates: true };
    const informs = { code: "LABEL_READ_AS_THRESHOLD", message: "read as a threshold", failsGates: false };
    // Act
    const failing = evaluateGates(analysis, gates, [noPositive]);
    const passing = evaluateGates(analysis, gates, [informs]);
    // Assess
    expect(failing.breaches.map((b) => b.facetValue)).toEqual(["0", "1"]);
    expect(passing.breaches).toEqual([]);
  });

  it("orders breaches worst first: unverifiable ones, then by distance outside the gate", () => {
    // Prepare: CI -0.31 and 0.1 against absMax 0.05 (0.26 and 0.05 outside); DI 0.7 below 0.8 (0.1); DPPL null
    const gates = { CI: { absMax: 0.05 }, DI: { min: 0.8 }, DPPL: { absMax: 0.1 } };
    // Act
    const report = evaluateGates(analysis, gates);
    // Assess
    expect(report.breaches.map((b) => `${b.metric} ${b.facetValue}`)).toEqual([
      "DPPL 0",
      "CI 0",
      "DI 0",
      "CI 1",
    ]);
  });
});

describe("verdictMessage", () => {
  it("lists every breach while the list fits BiasGateFailed's cause, and cuts a longer one", () => {
    // Prepare: one breach per facet value, 200 and 2,000 of them.
    const breaches = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        metric: "DPL",
        stage: "pre_training" as const,
        facet: "Age",
        facetValue: `age-group-${i}`,
        value: 0.5,
        gate: { absMax: 0.1 },
        message: `DPL for Age=age-group-${i} = 0.5 exceeds absMax 0.1`,
      }));

    // Act
    const fits = verdictMessage(200, 1, breaches(200));
    const cut = verdictMessage(2_000, 1, breaches(2_000));

    // Assess
    expect(fits).toMatch(/^200 of 200 gated metric values breach their gate, worst first: /);
    expect(fits).toContain("DPL for Age=age-group-199 (pre-training) = 0.5: |value| 0.5 exceeds absMax 0.1");
    expect(fits).not.toContain("[cut: ");
    expect(cut.length).toBeLessThanOrEqual(CAUSE_LIMIT);
    expect(cut).toMatch(
      /^2000 of 2000 gated metric values breach their gate, worst first: DPL for Age=age-group-0 /,
    );
    expect(cut).toMatch(/\n\[cut: the first \d+ of \d{6} characters are shown\]$/);
  });
});
