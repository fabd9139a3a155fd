/**
 * Float predictions of an integer label typed continuous are read as smclarify reads them: cast
 * to the label's dtype (truncated toward zero) before the threshold, in every metric, on any
 * number of threads, from a predicted label column or a separate predicted label dataset. The
 * expected values follow smclarify's rule, worked out here by hand.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnalysisContext } from "../../../contracts/analysis-context.ts";
import { analyze } from "../../../engine/analyze.ts";
import { parseAnalysisConfig } from "../../../engine/config/parse-analysis-config.ts";
import { runBiasAnalysisOnThreads } from "../../../engine/run-bias-analysis.ts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "predicted-cast-"));
}

function writeCsv(dir: string, name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/**
 * 12 rows: label y of integers 0..3 (33% distinct: continuous, threshold 1 means y > 1), float
 * predictions. As written, 8 predictions are above 1; cast to int64 (1.5 → 1, 1.2 → 1, -0.5 → 0)
 * only 5 are.
 */
const SMALL = [
  "sex,y,yhat",
  "F,0,0.7", // cast 0: not above; label -        → TN
  "F,2,1.5", // cast 1: not above (1.5 is); label + → FN
  "F,3,2.4", // cast 2: above; label +            → TP
  "F,1,1.2", // cast 1: not above (1.2 is); label - → TN
  "F,2,-0.5", // cast 0: not above; label +       → FN
  "F,0,3.9", // cast 3: above; label -            → FP
  "M,3,2.8", // cast 2: above; label +            → TP
  "M,1,0.9", // cast 0: not above; label -        → TN
  "M,0,0.2", // cast 0: not above; label -        → TN
  "M,2,2.1", // cast 2: above; label +            → TP
  "M,3,3.3", // cast 3: above; label +            → TP
  "M,0,-1.5", // cast -1: not above; label -      → TN
];

const SMALL_CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  predicted_label: "yhat",
  methods: { post_training_bias: { methods: ["DPPL", "DI", "AD"] } },
};

interface Analysis {
  post_training_bias_metrics: {
    facets: Record<string, { value_or_threshold: string; metrics: { name: string; value: number }[] }[]>;
  };
}

function metricOf(analysisText: string, name: string): number | undefined {
  const analysis = JSON.parse(analysisText) as Analysis;
  const facet = Object.values(analysis.post_training_bias_metrics.facets)[0]?.[0];
  return facet?.metrics.find((m) => m.name === name)?.value;
}

async function analysed(
  config: Record<string, unknown>,
  datasetPath: string,
  threads = 1,
  predictedLabelDatasetPath?: string,
) {
  const outDir = tempDir();
  const result = await analyze({
    datasetPath,
    config,
    outDir,
    threads: { threads, minBytesPerThread: 0 },
    intervals: false,
    ...(predictedLabelDatasetPath && { predictedLabelDatasetPath }),
  });
  return {
    threads: result.threads,
    analysis: readFileSync(result.analysisPath, "utf8"),
    context: JSON.parse(readFileSync(result.contextPath, "utf8")) as AnalysisContext,
  };
}

function parsed(config: Record<string, unknown>) {
  const result = parseAnalysisConfig(config);
  if (!result.config) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

describe("float predictions of an integer label", () => {
  it("are truncated toward zero before the threshold, in the metrics and the group counts", async () => {
    // Prepare
    const path = writeCsv(tempDir(), "small.csv", SMALL);

    // Act
    const { analysis, context } = await analysed(SMALL_CONFIG, path);

    // Assess: predicted positive F 2 of 6 (rows 3, 6), M 3 of 6 (rows 7, 10, 11).
    expect(metricOf(analysis, "DPPL")).toBeCloseTo(3 / 6 - 2 / 6, 12);
    expect(metricOf(analysis, "DI")).toBeCloseTo(2 / 6 / (3 / 6), 12);
    // Accuracy F (TP 1 + TN 2) / 6, M (TP 3 + TN 3) / 6.
    expect(metricOf(analysis, "AD")).toBeCloseTo(6 / 6 - 3 / 6, 12);
    expect(context.facets[0]?.groups[0]).toMatchObject({
      facet: { rows: 6, labelPositive: 3, predictedPositive: 2, confusion: { tp: 1, fp: 1, fn: 2, tn: 2 } },
      others: { rows: 6, labelPositive: 3, predictedPositive: 3, confusion: { tp: 3, fp: 0, fn: 0, tn: 3 } },
    });
    expect(context.warnings.find((w) => w.code === "PREDICTED_LABEL_CAST")).toEqual({
      code: "PREDICTED_LABEL_CAST",
      message:
        'predicted label column "yhat" holds floats and label column "y" integers: Clarify casts the predictions to the label\'s int64 (toward zero) before comparing them with the threshold 1, so the prediction 1.5 counts as 1, not above 1. Write the predicted labels as the integers the model means (rounded as it rounds), or give probability_threshold for scores.',
      failsGates: false,
    });
    expect(context.predictedLabel).toMatchObject({ column: "yhat", castTo: "int64" });
  });

  it("are counted twice only when the cast changes a reading", async () => {
    // Prepare: the same labels with predictions whose cast reads as they do (0.5 → 0, 2.5 → 2).
    const dir = tempDir();
    const castChanges = writeCsv(dir, "changes.csv", SMALL);
    const castKeeps = writeCsv(
      dir,
      "keeps.csv",
      SMALL.map((line, i) => (i === 0 ? line : line.replace(/,[^,]*$/, i % 2 === 0 ? ",2.5" : ",0.5"))),
    );
    const config = parsed(SMALL_CONFIG);

    // Act
    const twice = await runBiasAnalysisOnThreads(config, castChanges, undefined, { threads: 1 });
    const once = await runBiasAnalysisOnThreads(config, castKeeps, undefined, { threads: 1 });

    // Assess
    expect(twice.countPasses).toBe(2);
    expect(once.countPasses).toBe(1);
    expect(once.context.warnings.map((w) => w.code)).not.toContain("PREDICTED_LABEL_CAST");
    expect(twice.context.predictedLabel?.castTo).toBe("int64");
    expect(once.context.predictedLabel).not.toHaveProperty("castTo");
  });

  it("are read alike on 1 and 2 threads", async () => {
    // Prepare: 900 rows, labels 0..59 (6.7% distinct: continuous); predictions -0.5 .. 3.4 in
    // tenths, so many lie in (1, 2) and (-1, 0).
    const lines = ["sex,y,yhat"];
    const rows: { female: boolean; yhat: number }[] = [];
    for (let i = 0; i < 900; i++) {
      const female = i % 3 === 0;
      const yhat = ((i * 7) % 40) / 10 - 0.5;
      rows.push({ female, yhat });
      lines.push(`${female ? "F" : "M"},${(i * 7) % 60},${yhat.toFixed(1)}`);
    }
    const path = writeCsv(tempDir(), "many.csv", lines);
    // smclarify's rule: int(yhat) > 1, i.e. yhat >= 2.
    const share = (female: boolean) => {
      const group = rows.filter((row) => row.female === female);
      return group.filter((row) => Math.trunc(row.yhat) > 1).length / group.length;
    };

    // Act
    const one = await analysed(SMALL_CONFIG, path, 1);
    const two = await analysed(SMALL_CONFIG, path, 2);

    // Assess
    expect([one.threads, two.threads]).toEqual([1, 2]);
    expect(two.analysis).toBe(one.analysis);
    expect(metricOf(one.analysis, "DPPL")).toBeCloseTo(share(false) - share(true), 12);
    expect(metricOf(one.analysis, "DI")).toBeCloseTo(share(true) / share(false), 12);
  }, 60_000);

  it("are cast alike when they come from a separate predicted label dataset", async () => {
    // Prepare
    const dir = tempDir();
    const whole = writeCsv(dir, "whole.csv", SMALL);
    const data = writeCsv(
      dir,
      "data.csv",
      SMALL.map((line) => line.replace(/,[^,]*$/, "")),
    );
    mkdirSync(join(dir, "pred"));
    writeCsv(
      join(dir, "pred"),
      "part-0.csv",
      SMALL.map((line) => line.split(",")[2] as string),
    );
    const separate = { ...SMALL_CONFIG, predicted_label_dataset_uri: "s3://bucket/pred/" };

    // Act
    const fromColumn = await analysed(SMALL_CONFIG, whole);
    const fromDataset = await analysed(separate, data, 1, join(dir, "pred"));

    // Assess
    expect(fromDataset.analysis).toBe(fromColumn.analysis);
    expect(metricOf(fromDataset.analysis, "DPPL")).toBeCloseTo(1 / 6, 12);
  });

  it("give the Flip Test and every metric of the predictions written already truncated", async () => {
    // Prepare: labels 0..29 (10% distinct: continuous), numeric features for FT; the truncated predictions written as floats (2.0), which
    // keep the column floats and read the same with or without a cast.
    const lines = ["group,income,tenure,y,yhat"];
    const truncated = ["group,income,tenure,y,yhat"];
    for (let i = 0; i < 300; i++) {
      const yhat = ((i * 11) % 50) / 10 - 1;
      const row = `${i % 4 === 0 ? 1 : 0},${1000 + ((i * 37) % 400)},${(i * 3) % 17},${(i * 7) % 30}`;
      lines.push(`${row},${yhat.toFixed(1)}`);
      truncated.push(`${row},${(Math.trunc(yhat) + 0).toFixed(1)}`);
    }
    const dir = tempDir();
    const config = {
      dataset_type: "text/csv",
      label: "y",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "group", value_or_threshold: [1] }],
      predicted_label: "yhat",
      methods: { post_training_bias: { methods: "all" } },
    };

    // Act
    const cast = await analysed(config, writeCsv(dir, "floats.csv", lines));
    const written = await analysed(config, writeCsv(dir, "truncated.csv", truncated));

    // Assess
    expect(cast.analysis).toBe(written.analysis);
    expect(metricOf(cast.analysis, "FT")).toEqual(expect.any(Number));
  }, 60_000);

  it("are cast when a matched facet column of text and numbers is counted again as text too, on 1 and 2 threads", async () => {
    // Prepare: facet c holds "1.0", "1" and "x", so Clarify matches ["1"] as text ("1.0" is not
    // "1"); the predictions of SMALL are cast. Facet c = "1": rows 2, 4, 7, 9, 12, predicted
    // positive once cast only row 7 (2.8), 1 of 5 (as written 1.5 and 1.2 are above 1 too);
    // the others 4 of 7 (2.4, 3.9, 2.1, 3.3). smclarify gives DI 0.35, DPPL 13/35 on this file.
    const facetCells = ["1.0", "1", "x", "1", "1.0", "x", "1", "x", "1", "1.0", "x", "1"];
    const lines = SMALL.map((line, i) => (i === 0 ? "c,sex,y,yhat" : `${facetCells[i - 1]},${line}`));
    const path = writeCsv(tempDir(), "mixed.csv", lines);
    const config = { ...SMALL_CONFIG, facet: [{ name_or_index: "c", value_or_threshold: ["1"] }] };

    // Act
    const one = await analysed(config, path, 1);
    const two = await analysed(config, path, 2);

    // Assess
    expect([one.threads, two.threads]).toEqual([1, 2]);
    for (const { analysis, context } of [one, two]) {
      expect(metricOf(analysis, "DI")).toBeCloseTo(0.35, 12);
      expect(metricOf(analysis, "DPPL")).toBeCloseTo(13 / 35, 12);
      expect(context.facets[0]?.groups[0]).toMatchObject({
        facet: { rows: 5, predictedPositive: 1 },
        others: { rows: 7, predictedPositive: 4 },
      });
    }
  });

  it("that the cast leaves none above the threshold fail, saying so with a prediction it moved", async () => {
    // Prepare: labels 0..3, threshold 3; 3.5, 3.2 and 3.9 are above it as written, 3 once cast
    // (smclarify fails alike: no positive predicted label).
    const lines = [
      "sex,y,yhat",
      "F,0,0.5",
      "F,1,3.5",
      "F,2,1.5",
      "F,3,2.5",
      "M,0,3.2",
      "M,1,0.1",
      "M,2,2.2",
      "M,3,3.9",
    ];
    const path = writeCsv(tempDir(), "none-above.csv", lines);
    const config = { ...SMALL_CONFIG, label_values_or_threshold: [3] };

    // Act
    const run = analysed(config, path);

    // Assess
    await expect(run).rejects.toThrow(
      `predicted_label: no row has a positive predicted label (above 3) (Clarify needs at least one; it casts the predictions to the label's int64 first, toward zero: 3.5 counts as 3; write the predicted labels as the integers the model means, or give probability_threshold for scores)`,
    );
    await expect(run).rejects.toMatchObject({ name: "EngineInputError" });
  });

  it("refuse an infinite prediction, as pandas cannot cast it", async () => {
    // Prepare
    const path = writeCsv(tempDir(), "inf.csv", [...SMALL, "M,2,Infinity"]);

    // Act
    const run = analysed(SMALL_CONFIG, path);

    // Assess
    await expect(run).rejects.toThrow(
      `predicted_label: Clarify casts the predicted labels to the label column's int64 before comparing them with the threshold, and pandas cannot cast "Infinity" (Cannot convert non-finite values (NA or inf) to integer); give finite predictions`,
    );
  });
});
