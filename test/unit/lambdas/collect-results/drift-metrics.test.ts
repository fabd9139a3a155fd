/** driftMetricValues: the drift of each gated value as a `<code>Drift` bias-metric value for EMF. */
import { describe, expect, it } from "vitest";
import type { GateEvaluation } from "../../../../contracts/gate-evaluation.ts";
import { driftMetricValues } from "../../../../lambdas/collect-results/drift-metrics.ts";

function evaluation(facet: string, facetValue: string, metric: string, drift?: number): GateEvaluation {
  return {
    metric,
    stage: "pre_training",
    facet,
    facetValue,
    value: 0.3,
    gate: { maxDrift: 0.05 },
    passed: drift === undefined || drift <= 0.05,
    ...(drift !== undefined && { drift }),
  };
}

describe("driftMetricValues", () => {
  it("groups the drifts by stage, facet and facet value, and leaves out values without a drift", () => {
    // Prepare
    const evaluations = [
      evaluation("Sex", "0", "CI", 0.2),
      evaluation("Sex", "0", "DPL", -0.01),
      evaluation("Sex", "1", "CI"),
      evaluation("constructor", "ferrari", "CI", 0.1),
    ];
    // Act
    const values = driftMetricValues(evaluations);
    // Assess
    expect(values).toEqual({
      pre_training: {
        facets: {
          Sex: [
            {
              valueOrThreshold: "0",
              metrics: [
                { name: "CIDrift", value: 0.2 },
                { name: "DPLDrift", value: -0.01 },
              ],
            },
          ],
          constructor: [{ valueOrThreshold: "ferrari", metrics: [{ name: "CIDrift", value: 0.1 }] }],
        },
      },
    });
  });
});
