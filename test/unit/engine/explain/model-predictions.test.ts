import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { loadOnnxModel } from "../../../../engine/explain/model/onnx-model.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "model-predictions-"));
const MODEL = join(dir, "lr.onnx");
writeFileSync(MODEL, logisticRegression([1.5, -0.8], -0.3));
/** sex is a facet and a feature; the last row misses x and is left out. */
const ROWS = [
  [1, 0.2, 1],
  [0, 1.5, 0],
  [1, -0.7, 1],
  [0, 0.9, 1],
  [1, 2.2, 0],
  [0, -1.1, 0],
  [1, 0.4, 1],
  [0, 0.1, 0],
];
const BASE = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "sex", value_or_threshold: [1] }],
  methods: { post_training_bias: { methods: ["DPPL", "DI", "AD", "RD"] } },
};

describe("post-training bias from a model's predictions", () => {
  it("equals the metrics of the same scores given as a predicted-label column (threshold 0.5)", async () => {
    // Prepare
    const model = await loadOnnxModel(MODEL, { featureCount: 2 });
    const scores = (
      await model.predict(
        Float64Array.from(ROWS.flatMap(([s, x]) => [s as number, x as number])),
        ROWS.length,
      )
    ).values;
    await model.close();
    writeFileSync(join(dir, "data.csv"), `sex,x,y\n${ROWS.map((r) => r.join(",")).join("\n")}\n1,,1\n`);
    writeFileSync(
      join(dir, "scored.csv"),
      `sex,x,y,score\n${ROWS.map((r, i) => [...r, scores[i]].join(",")).join("\n")}\n`,
    );
    // Act
    const fromModel = await analyze({
      datasetPath: join(dir, "data.csv"),
      config: {
        ...BASE,
        predictor: { model_name: "credit", instance_type: "ml.m5.large", initial_instance_count: 1 },
      },
      outDir: join(dir, "model"),
      model: { onnx: MODEL },
      intervals: false,
    });
    const fromColumn = await analyze({
      datasetPath: join(dir, "scored.csv"),
      config: { ...BASE, predicted_label: "score", probability_threshold: 0.5 },
      outDir: join(dir, "column"),
      intervals: false,
    });
    // Assess
    expect(fromModel.analysis.post_training_bias_metrics).toEqual(
      fromColumn.analysis.post_training_bias_metrics,
    );
    expect(fromModel.rowsDropped).toBe(1);
  });

  it("still refuses post-training bias with a predictor but no model", async () => {
    // Act
    const run = analyze({
      datasetPath: join(dir, "data.csv"),
      config: {
        ...BASE,
        predictor: { model_name: "credit", instance_type: "ml.m5.large", initial_instance_count: 1 },
      },
      outDir: join(dir, "none"),
      intervals: false,
    });
    // Assess
    await expect(run).rejects.toThrow("needs a live model");
  });
});
