/**
 * The explanations' progress: rows explained of the total and model evaluations, as each block
 * comes back, on one thread and on worker threads each with its own ONNX session.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { httpModel } from "../../../../engine/explain/model/http-model.ts";
import { seededRandom } from "../../../../engine/seeded-random.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";
import { startScoringServer } from "../../../support/scoring-server.ts";

const F = 6;
const ROWS = 600;
const NAMES = Array.from({ length: F }, (_, f) => `x${f}`);
const dir = mkdtempSync(join(tmpdir(), "explain-progress-"));
const MODEL = join(dir, "lr.onnx");
const random = seededRandom(11);
writeFileSync(
  MODEL,
  logisticRegression(
    Array.from({ length: F }, () => random() * 2 - 1),
    0.1,
  ),
);

/** ROWS rows of F features and a label. */
function dataset(): string {
  const values = seededRandom(ROWS);
  const lines = [[...NAMES, "y"].join(",")];
  for (let r = 0; r < ROWS; r++) {
    const row = Array.from({ length: F }, () => Math.round((values() * 4 - 2) * 100) / 100);
    lines.push([...row, r % 3 === 0 ? 1 : 0].join(","));
  }
  const path = join(dir, "rows.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** Every coalition of 6 features (62) against one baseline row: 63 evaluations a row; PDP of 2 features at 5 grid values. */
const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "x0", value_or_threshold: [0] }],
  methods: {
    shap: { baseline: [new Array(F).fill(0)], num_samples: 62 },
    pdp: { features: ["x1", "x2"], grid_resolution: 5 },
  },
};

const LINE =
  /^(explaining rows|partial dependence): ([\d,]+) of ([\d,]+) rows (explained|scored) \((\d+) %\), ([\d,]+) model evaluations, \d+ s(, about \d+ s left)?$/;

const number = (text: string | undefined) => Number(text?.replaceAll(",", ""));

describe("the explanations' progress", () => {
  for (const threads of [1, 2]) {
    it(`reports rows explained and model evaluations in order, up to every row, on ${threads} thread(s)`, async () => {
      // Prepare: blocks of 1,260 evaluations, 20 rows of SHAP each
      const datasetPath = dataset();
      const lines: string[] = [];

      // Act
      const result = await analyze({
        datasetPath,
        config: CONFIG,
        outDir: join(dir, `out-${threads}`),
        intervals: false,
        model: { onnx: MODEL },
        threads: { threads },
        explainBlocks: { minEvaluationsPerThread: 0, evaluationsPerCall: 1_260 },
        progress: { write: (line) => lines.push(line), intervalSeconds: 0 },
      });

      // Assess: SHAP's lines, then PDP's; each phase's fractions never go back and end at all its rows
      expect(result.explained?.threads).toBe(threads);
      const parsed = lines.map((line) => LINE.exec(line));
      expect(parsed.every((match) => match !== null)).toBe(true);
      const shap = parsed.filter((match) => match?.[1] === "explaining rows");
      const pdp = parsed.filter((match) => match?.[1] === "partial dependence");
      expect(shap.length + pdp.length).toBe(lines.length);
      expect(lines.findIndex((line) => line.startsWith("partial dependence"))).toBe(shap.length);
      expect(shap.length).toBeGreaterThanOrEqual(ROWS / 20);
      for (const [phase, total] of [
        [shap, ROWS],
        [pdp, 2 * ROWS],
      ] as const) {
        const done = phase.map((match) => number(match?.[2]));
        expect(done).toEqual([...done].sort((a, b) => a - b));
        expect(phase.every((match) => number(match?.[3]) === total)).toBe(true);
        expect(done.at(-1)).toBe(total);
      }
      // The model evaluations are the run's so far, on every thread: they never go back and
      // end at the run's.
      const evaluations = parsed.map((match) => number(match?.[6]));
      expect(evaluations).toEqual([...evaluations].sort((a, b) => a - b));
      expect(evaluations.at(-1)).toBe(result.explained?.modelEvaluations);
    });
  }

  it("prints nothing with the default interval on a short run", async () => {
    // Prepare
    const datasetPath = dataset();
    const lines: string[] = [];

    // Act
    await analyze({
      datasetPath,
      config: CONFIG,
      outDir: join(dir, "out-quiet"),
      intervals: false,
      model: { onnx: MODEL },
      threads: { threads: 2 },
      explainBlocks: { minEvaluationsPerThread: 0, evaluationsPerCall: 1_260 },
      progress: { write: (line) => lines.push(line), intervalSeconds: 10 },
    });

    // Assess
    expect(lines).toEqual([]);
  });

  it("counts an endpoint's scored rows per request, within one model call", async () => {
    // Prepare: 25,000 rows of one feature, sent as requests of at most 10,000 rows
    const server = await startScoringServer((cells) => Number(cells[0]) / 2);
    const told: number[] = [];
    const model = httpModel(server.url, {
      codec: { names: ["x"], categories: [undefined] },
      scored: (rows) => told.push(rows),
    });

    // Act
    try {
      await model.predict(new Float64Array(25_000).fill(1), 25_000);
    } finally {
      await server.close();
    }

    // Assess: each request told as it was answered, not the call once at its end
    expect(server.requests).toHaveLength(3);
    expect([...told].sort((a, b) => a - b)).toEqual([5_000, 10_000, 10_000]);
  });

  it("reports the rows the model scores for post-training bias without predicted labels", async () => {
    // Prepare: 70,000 rows, scored in calls of 65,536 rows
    const rows = 70_000;
    const lines = ["x0,x1,x2,x3,x4,x5,y"];
    for (let r = 0; r < rows; r++) lines.push(`${r % 5},${r % 3},1,0,${r % 2},2,${r % 3 === 0 ? 1 : 0}`);
    const datasetPath = join(dir, "predict.csv");
    writeFileSync(datasetPath, `${lines.join("\n")}\n`);
    const progress: string[] = [];

    // Act
    await analyze({
      datasetPath,
      config: {
        dataset_type: "text/csv",
        label: "y",
        label_values_or_threshold: [1],
        facet: [{ name_or_index: "x0", value_or_threshold: [0] }],
        predictor: { model_name: "credit", instance_type: "ml.m5.large", initial_instance_count: 1 },
        methods: { post_training_bias: { methods: ["DPPL"] } },
      },
      outDir: join(dir, "out-predict"),
      intervals: false,
      model: { onnx: MODEL },
      threads: { threads: 1 },
      progress: { write: (line) => progress.push(line), intervalSeconds: 0 },
    });

    // Assess: a line per model call, then the count pass over the dataset and its predictions
    const predicting = progress.filter((line) => line.startsWith("predicting labels: "));
    expect(predicting).toEqual([
      expect.stringMatching(
        /^predicting labels: 65,536 of 70,000 rows scored \(93 %\), \d+ s, about \d+ s left$/,
      ),
      expect.stringMatching(/^predicting labels: 70,000 of 70,000 rows scored \(100 %\), \d+ s$/),
    ]);
    expect(progress.indexOf(predicting.at(-1) as string)).toBeLessThan(
      progress.findIndex((line) => line.startsWith("counting rows: ")),
    );
  });
});
