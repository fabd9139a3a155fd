import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";
import { csvColumns, writeParquet } from "../../../support/parquet-writer.ts";

const CSV = "a,b,y\n1,2.5,1\n0,1.25,0\n2,0.5,1\n1,1.75,0\n3,2,1\n";
const CONFIG = {
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "a", value_or_threshold: [1] }],
  methods: {
    pre_training_bias: { methods: ["CI"] },
    shap: { baseline: [[0, 0]] },
    pdp: { grid_resolution: 3 },
  },
};

describe("explanations from every dataset format the engine reads", () => {
  it("are the same from CSV, JSON Lines and Parquet", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "explain-formats-"));
    const model = join(dir, "m.onnx");
    writeFileSync(model, logisticRegression([0.7, -1.2], 0.3));
    writeFileSync(join(dir, "d.csv"), CSV);
    const rows = CSV.trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split(",").map(Number));
    writeFileSync(
      join(dir, "d.jsonl"),
      rows.map(([a, b, y]) => JSON.stringify({ features: [a, b], y })).join("\n"),
    );
    writeParquet(join(dir, "d.parquet"), csvColumns(CSV, { a: "INT64", b: "DOUBLE", y: "INT64" }));
    const run = (file: string, config: Record<string, unknown>) =>
      analyze({
        datasetPath: join(dir, file),
        config,
        outDir: join(dir, `out-${file}`),
        model: { onnx: model },
        intervals: false,
      });
    // Act
    const csv = await run("d.csv", { ...CONFIG, dataset_type: "text/csv" });
    const jsonLines = await run("d.jsonl", {
      ...CONFIG,
      dataset_type: "application/jsonlines",
      features: "features",
      headers: ["a", "b"],
    });
    const parquet = await run("d.parquet", { ...CONFIG, dataset_type: "application/x-parquet" });
    // Assess
    expect(csv.analysis.explanations?.kernel_shap?.label0?.global_shap_values).toEqual({
      a: expect.any(Number),
      b: expect.any(Number),
    });
    expect(jsonLines.analysis.explanations).toEqual(csv.analysis.explanations);
    expect(parquet.analysis.explanations).toEqual(csv.analysis.explanations);
  });
});
