import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { kernelShap } from "../../../../engine/explain/kernel-shap/kernel-shap.ts";
import { loadOnnxModel } from "../../../../engine/explain/model/onnx-model.ts";
import type { ScoringModel } from "../../../../engine/explain/model/scoring-model.ts";
import { logisticRegression, multilayerPerceptron } from "../../../../examples/models/onnx-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "onnx-"));
const LR = join(dir, "lr.onnx");
const MLP = join(dir, "mlp.onnx");
writeFileSync(LR, logisticRegression([0.8, -0.5, 0.3, 1.1], -0.2));
writeFileSync(
  MLP,
  multilayerPerceptron(
    {
      w: [
        [0.5, -0.3],
        [0.2, 0.8],
        [-0.7, 0.1],
        [0.4, 0.4],
      ],
      b: [0.1, -0.2],
    },
    {
      w: [
        [1.0, -0.5, 0.2],
        [-0.3, 0.9, 0.1],
      ],
      b: [0, 0.1, -0.1],
    },
  ),
);
const opened: ScoringModel[] = [];
afterAll(async () => {
  for (const model of opened) await model.close();
});

async function open(path: string, featureCount: number, outputIndex?: number) {
  const model = await loadOnnxModel(path, {
    featureCount,
    ...(outputIndex !== undefined && { outputIndex }),
  });
  opened.push(model);
  return model;
}

/** Shapley values by definition, each coalition scored by the model on its own. */
async function bruteForce(model: ScoringModel, x: number[], baseline: number[], output: number) {
  const M = x.length;
  const v = new Map<number, number>();
  for (let set = 0; set < 1 << M; set++) {
    const row = Float64Array.from(baseline.map((b, i) => ((set >> i) & 1 ? (x[i] as number) : b)));
    v.set(set, (await model.predict(row, 1)).values[output] as number);
  }
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  return x.map((_, i) => {
    let phi = 0;
    for (let set = 0; set < 1 << M; set++) {
      if ((set >> i) & 1) continue;
      let size = 0;
      for (let j = 0; j < M; j++) size += (set >> j) & 1;
      phi +=
        ((factorial(size) * factorial(M - size - 1)) / factorial(M)) *
        ((v.get(set | (1 << i)) as number) - (v.get(set) as number));
    }
    return phi;
  });
}

describe("ONNX models (onnxruntime-node, in-process)", () => {
  it("scores a hand-written logistic regression like its formula (float32 precision)", async () => {
    // Prepare
    const model = await open(LR, 4);
    // Act
    const scores = await model.predict(Float64Array.of(1, 2, 3, 4, 0, 0, 0, 0), 2);
    // Assess
    const z = 0.8 - 1 + 0.9 + 4.4 - 0.2;
    expect(scores.outputs).toBe(1);
    expect(scores.values[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    expect(scores.values[1]).toBeCloseTo(1 / (1 + Math.exp(0.2)), 6);
  });

  it("gives exact Shapley values for every class of an MLP when all coalitions are enumerated", async () => {
    // Prepare
    const model = await open(MLP, 4);
    const x = [1.2, -0.4, 2.0, 0.3];
    const baseline = [0.1, 0.2, -0.3, 0.5];
    // Act
    const result = await kernelShap(Float64Array.from(x), {
      model,
      featureCount: 4,
      baseline: Float64Array.from(baseline),
      baselineWeights: Float64Array.of(1),
      numSamples: 14,
      useLogit: false,
    });
    // Assess
    expect(result.outputs).toBe(3);
    for (let o = 0; o < 3; o++) {
      const expected = await bruteForce(model, x, baseline, o);
      const got = Array.from(result.values.subarray(o * 4, o * 4 + 4));
      expect(got).toEqual(expected.map((e) => expect.closeTo(e, 9)));
    }
  });

  it("gives a logistic regression's log-odds SHAP values w·(x − b) with use_logit (float32 precision)", async () => {
    // Prepare: logit(sigmoid(x·w + c)) is linear, so each exact Shapley value is w_i (x_i − b_i)
    const model = await open(LR, 4);
    const x = [1.5, -2, 0.5, 1];
    const baseline = [0.2, 0.4, -1, 0.3];
    const weights = [0.8, -0.5, 0.3, 1.1];
    // Act
    const result = await kernelShap(Float64Array.from(x), {
      model,
      featureCount: 4,
      baseline: Float64Array.from(baseline),
      baselineWeights: Float64Array.of(1),
      numSamples: 14,
      useLogit: true,
    });
    // Assess
    expect(Array.from(result.values)).toEqual(
      weights.map((w, i) => expect.closeTo(w * ((x[i] as number) - (baseline[i] as number)), 5)),
    );
  });

  it("keeps the predictor's probability column of a multi-class output", async () => {
    // Prepare
    const all = await open(MLP, 4);
    const second = await open(MLP, 4, 1);
    const rows = Float64Array.of(1, 2, 3, 4);
    // Act
    const [full, picked] = [await all.predict(rows, 1), await second.predict(rows, 1)];
    // Assess
    expect(picked).toEqual({ values: Float64Array.of(full.values[1] as number), outputs: 1 });
  });

  it("scores calls that overlap (a model server's concurrent requests) each on its own rows", async () => {
    // Prepare
    const model = await open(LR, 4);
    const batch = (seed: number) =>
      Float64Array.from({ length: 4 * 5000 }, (_, i) => ((i * seed) % 17) / 4 - 2);
    const [a, b] = [batch(3), batch(5)];
    const alone = [await model.predict(a, 5000), await model.predict(b, 5000)];
    // Act
    const together = await Promise.all([model.predict(a, 5000), model.predict(b, 5000)]);
    // Assess
    expect(together).toEqual(alone);
  });

  it.each([
    [
      () => loadOnnxModel(LR, { featureCount: 3 }),
      "lr.onnx takes input of shape [batch, 4], but the dataset has 3 features",
    ],
    [
      () => loadOnnxModel(join(dir, "missing.onnx"), { featureCount: 4 }),
      "cannot be loaded as an ONNX model",
    ],
  ])("refuses a model that does not fit, in one line (%#)", async (load, message) => {
    // Act / Assess
    await expect(load()).rejects.toThrow(message);
  });

  it("runs behind analyze as --model does, naming classes by label_headers", async () => {
    // Prepare
    const data = join(dir, "data.csv");
    writeFileSync(data, "a,b,c,d,y\n1,2,3,4,1\n0,1,0,1,0\n2,0,1,3,1\n1,1,1,1,0\n");
    const config = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "a", value_or_threshold: [1] }],
      predictor: { label_headers: ["low", "mid", "high"] },
      methods: {
        pre_training_bias: { methods: ["CI"] },
        shap: { baseline: [[0, 0, 0, 0]], num_samples: 14 },
        pdp: { features: ["d"], grid_resolution: 4 },
      },
    };
    // Act
    const result = await analyze({
      datasetPath: data,
      config,
      outDir: join(dir, "out"),
      model: { onnx: MLP },
      intervals: false,
    });
    // Assess
    const explanations = result.analysis.explanations;
    expect(Object.keys(explanations?.kernel_shap ?? {})).toEqual(["low", "mid", "high"]);
    const expected =
      (explanations?.kernel_shap?.low?.expected_value ?? 0) +
      (explanations?.kernel_shap?.mid?.expected_value ?? 0) +
      (explanations?.kernel_shap?.high?.expected_value ?? 0);
    expect(expected).toBeCloseTo(1, 6);
    expect(explanations?.pdp?.[0]?.model_predictions).toHaveLength(3);
    expect(explanations?.pdp?.[0]?.feature_values).toEqual([1.375, 2.125, 2.875, 3.625]);
  });

  it("refuses an ONNX model for a dataset with a text feature", async () => {
    // Prepare
    const data = join(dir, "text.csv");
    writeFileSync(data, "a,b,c,colour,y\n1,2,3,red,1\n0,1,0,blue,0\n");
    const config = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "a", value_or_threshold: [1] }],
      methods: { pre_training_bias: { methods: ["CI"] }, pdp: { features: ["a"] } },
    };
    // Act
    const run = analyze({
      datasetPath: data,
      config,
      outDir: join(dir, "out2"),
      model: { onnx: LR },
      intervals: false,
    });
    // Assess
    await expect(run).rejects.toThrow('feature "colour" holds text, and an ONNX model takes numbers');
  });
});
