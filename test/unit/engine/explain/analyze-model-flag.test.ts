import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../../bin/cli/main.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), "analyze-model-"));
  writeFileSync(join(dir, "model.onnx"), logisticRegression([1, -1], 0));
  writeFileSync(join(dir, "data.csv"), "a,b,y\n1,2,1\n0,1,0\n2,0,1\n");
  writeFileSync(
    join(dir, "config.json"),
    JSON.stringify({
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "a", value_or_threshold: [1] }],
      methods: {
        pre_training_bias: { methods: ["CI"] },
        shap: { baseline: [[0, 0]] },
        pdp: { grid_resolution: 2 },
      },
    }),
  );
  return dir;
}

async function run(dir: string, extra: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const args = [
    "analyze",
    "--dataset",
    join(dir, "data.csv"),
    "--config",
    join(dir, "config.json"),
    "--out",
    join(dir, "out"),
    "--no-intervals",
    ...extra,
  ];
  const code = await main(args, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) });
  return { code, err: err.join("") };
}

describe("clarify-pipeline analyze --model", () => {
  it("adds SHAP and PDP of an ONNX model to analysis.json beside the bias metrics", async () => {
    // Prepare
    const dir = workspace();
    // Act
    const { code } = await run(dir, ["--model", join(dir, "model.onnx")]);
    // Assess
    expect(code).toBe(0);
    const analysis = JSON.parse(readFileSync(join(dir, "out", "analysis.json"), "utf8"));
    expect(analysis.pre_training_bias_metrics).toBeDefined();
    expect(Object.keys(analysis.explanations.kernel_shap.label0.global_shap_values)).toEqual(["a", "b"]);
    expect(analysis.explanations.kernel_shap.label0.expected_value).toBeCloseTo(0.5, 6);
    // PDP without features: the features by SHAP importance (|b| is larger on these rows)
    const pdpFeatures = analysis.explanations.pdp.map((p: { feature_name: string }) => p.feature_name);
    expect(pdpFeatures).toEqual(["b", "a"]);
  });

  it.each([
    [["--model", "x.onnx", "--model-endpoint", "http://127.0.0.1:1"], "give one model, not both"],
    [[], "methods.shap needs a model to explain"],
    [["--model-endpoint", "http://127.0.0.1:9"], "http://127.0.0.1:9/invocations failed 3 times"],
  ])("fails with exit 1 and one line (%#)", async (extra, message) => {
    // Prepare
    const dir = workspace();
    // Act
    const { code, err } = await run(dir, extra);
    // Assess
    expect(code).toBe(1);
    expect(err).toContain(message);
    expect(err.trim().split("\n")).toHaveLength(1);
  });
});
