import { describe, expect, it } from "vitest";
import { coalitionPlan } from "../../../../engine/explain/kernel-shap/coalition-plan.ts";
import { kernelShap } from "../../../../engine/explain/kernel-shap/kernel-shap.ts";
import { seededRandom } from "../../../../engine/seeded-random.ts";
import { functionModel } from "./function-model.ts";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** A small nonlinear model with interactions, two outputs (a probability and its complement). */
const mlp = (x: Float64Array) => {
  const h1 = Math.tanh(0.8 * (x[0] ?? 0) - 0.5 * (x[1] ?? 0) + 0.3 * (x[2] ?? 0) * (x[3] ?? 0));
  const h2 = Math.tanh(-0.4 * (x[0] ?? 0) + 0.9 * (x[3] ?? 0) - 0.2 * (x[4] ?? 0));
  const p = sigmoid(1.2 * h1 - 0.7 * h2 + 0.1 * (x[4] ?? 0) * (x[1] ?? 0));
  return [p, 1 - p];
};

/**
 * The Shapley value by its definition: φ_i = Σ_{S ⊆ N\{i}} |S|!(M−|S|−1)!/M! (v(S∪{i}) − v(S)),
 * with v(S) = link(Σ_b w_b f(x_S, b_{N\S}) / Σ_b w_b).
 */
function bruteForceShapley(
  f: (x: Float64Array) => number[],
  x: number[],
  baseline: number[][],
  weights: number[],
  output: number,
  link: (p: number) => number,
): number[] {
  const M = x.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const v = (set: number) => {
    let mean = 0;
    baseline.forEach((b, k) => {
      const row = Float64Array.from(b.map((value, i) => ((set >> i) & 1 ? (x[i] as number) : value)));
      mean += (weights[k] as number) * (f(row)[output] as number);
    });
    return link(mean / total);
  };
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const phi = new Array<number>(M).fill(0);
  for (let i = 0; i < M; i++) {
    for (let set = 0; set < 1 << M; set++) {
      if ((set >> i) & 1) continue;
      let size = 0;
      for (let j = 0; j < M; j++) size += (set >> j) & 1;
      const weight = (factorial(size) * factorial(M - size - 1)) / factorial(M);
      phi[i] = (phi[i] as number) + weight * (v(set | (1 << i)) - v(set));
    }
  }
  return phi;
}

describe("kernelShap", () => {
  it("equals the Shapley values by definition when every coalition is enumerated (two outputs, weighted baseline)", async () => {
    // Prepare
    const rows = [
      [1.5, -0.2, 0.7, 2.0, -1.1],
      [-0.3, 0.9, -1.4, 0.5, 0.8],
      [0.1, 0.1, 0.2, -0.6, 2.2],
    ];
    const baseline = [
      [0.2, 0.3, -0.1, 0.4, 0.0],
      [-0.5, 1.0, 0.6, -0.2, 1.0],
    ];
    const weights = [3, 1];
    const model = functionModel(2, mlp);
    // Act
    const result = await kernelShap(Float64Array.from(rows.flat()), {
      model,
      featureCount: 5,
      baseline: Float64Array.from(baseline.flat()),
      baselineWeights: Float64Array.from(weights),
      numSamples: 2 ** 5 - 2,
      useLogit: false,
    });
    // Assess
    rows.forEach((x, r) => {
      for (let o = 0; o < 2; o++) {
        const expected = bruteForceShapley(mlp, x, baseline, weights, o, (p) => p);
        const got = Array.from(result.values.subarray((r * 2 + o) * 5, (r * 2 + o + 1) * 5));
        for (const [i, value] of got.entries()) {
          expect(Math.abs(value - (expected[i] as number))).toBeLessThan(1e-9);
        }
      }
    });
  });

  it("explains log-odds with use_logit, exactly, and the values add up to the prediction", async () => {
    // Prepare
    const x = [0.4, -1.2, 0.9, 1.7, -0.5, 0.3];
    const f = (row: Float64Array) => [
      sigmoid(row.reduce((sum, v, i) => sum + v * (i % 2 ? -0.6 : 0.9), 0) + (row[0] ?? 0) * (row[5] ?? 0)),
    ];
    const baseline = [[0, 0, 0, 0, 0, 0]];
    const logit = (p: number) => Math.log(p / (1 - p));
    // Act
    const result = await kernelShap(Float64Array.from(x), {
      model: functionModel(1, f),
      featureCount: 6,
      baseline: Float64Array.from(baseline.flat()),
      baselineWeights: Float64Array.of(1),
      numSamples: 1000,
      useLogit: true,
    });
    // Assess
    const expected = bruteForceShapley(f, x, baseline, [1], 0, logit);
    for (const [i, value] of Array.from(result.values).entries()) {
      expect(Math.abs(value - (expected[i] as number))).toBeLessThan(1e-9);
    }
    const sum = Array.from(result.values).reduce((a, b) => a + b, 0);
    expect(
      Math.abs(sum + (result.expectedValues[0] as number) - logit(f(Float64Array.from(x))[0] as number)),
    ).toBeLessThan(1e-12);
  });

  it("gives a feature equal to the baseline no value, as KernelExplainer does", async () => {
    // Prepare
    const x = [1, 2, 3];
    // Act
    const result = await kernelShap(Float64Array.from(x), {
      model: functionModel(1, (row) => [(row[0] ?? 0) * (row[1] ?? 0) + (row[2] ?? 0)]),
      featureCount: 3,
      baseline: Float64Array.of(0, 2, 0),
      baselineWeights: Float64Array.of(1),
      useLogit: false,
    });
    // Assess: x1 = baseline; x0·x1 contributes 2 to x0, x2 contributes 3
    expect(Array.from(result.values)).toEqual([2, 0, 3]);
  });

  it("repeats a sampled run exactly with the same seed, keeps efficiency, and changes with another seed", async () => {
    // Prepare
    const F = 12;
    const random = seededRandom(7);
    const rows = Float64Array.from({ length: 4 * F }, () => random() * 4 - 2);
    const weightsOf = (row: Float64Array) => [
      sigmoid(row.reduce((s, v, i) => s + v * Math.sin(i + 1), 0) + (row[0] ?? 0) * (row[1] ?? 0)),
    ];
    const run = (seed: number) =>
      kernelShap(rows, {
        model: functionModel(1, weightsOf),
        featureCount: F,
        baseline: new Float64Array(F),
        baselineWeights: Float64Array.of(1),
        numSamples: 300,
        seed,
        useLogit: false,
      });
    // Act
    const first = await run(11);
    const again = await run(11);
    const other = await run(12);
    // Assess
    expect(Array.from(again.values)).toEqual(Array.from(first.values));
    expect(Array.from(other.values)).not.toEqual(Array.from(first.values));
    for (let r = 0; r < 4; r++) {
      const sum = first.values.subarray(r * F, r * F + F).reduce((a, b) => a + b, 0);
      expect(sum + (first.expectedValues[0] as number)).toBeCloseTo(first.predictions[r] as number, 12);
    }
  });

  it("batches the synthetic rows of many dataset rows into few model calls", async () => {
    // Prepare
    const F = 4;
    const rows = Float64Array.from({ length: 50 * F }, (_, i) => (i % 7) + 1);
    const model = functionModel(1, (row) => [row.reduce((a, b) => a + b * b, 0)]);
    // Act
    const result = await kernelShap(rows, {
      model,
      featureCount: F,
      baseline: new Float64Array(F),
      baselineWeights: Float64Array.of(1),
      useLogit: false,
      evaluationsPerCall: 400,
    });
    // Assess: 1 background call + 50 rows × 15 evaluations in calls of at most 400
    expect(model.calls).toBe(1 + Math.ceil((50 * 15) / 390));
    expect(result.modelEvaluations).toBe(1 + 50 * 15);
  });
});

describe("coalitionPlan", () => {
  it("enumerates all 2^M − 2 coalitions once the budget allows, with weights summing to 1", () => {
    // Act
    const plan = coalitionPlan(6, 62, seededRandom(1));
    // Assess
    expect(plan.exact).toBe(true);
    expect(plan.count).toBe(62);
    const keys = new Set<string>();
    for (let s = 0; s < plan.count; s++) keys.add(plan.masks.subarray(s * 6, s * 6 + 6).join(""));
    expect(keys.size).toBe(62);
    expect(plan.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("enumerates the small paired sizes and samples the rest within the budget", () => {
    // Act
    const plan = coalitionPlan(20, 2 * 20 + 2048, seededRandom(3));
    // Assess: sizes 1 and 19 (40) and 2 and 18 (380) fit; size 3 (2 × 1140) does not
    expect(plan.exact).toBe(false);
    expect(plan.count).toBe(2088);
    let sizeOne = 0;
    for (let s = 0; s < 40; s++)
      sizeOne += plan.masks.subarray(s * 20, s * 20 + 20).reduce((a, b) => a + b, 0) === 1 ? 1 : 0;
    expect(sizeOne).toBe(20);
    expect(plan.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
