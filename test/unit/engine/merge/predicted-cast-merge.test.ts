/**
 * Float predictions of an integer label are cast to the label's dtype before the threshold
 * (aggregate/predicted-cast.ts). One instance counts the rows again with the cast; the hosts of
 * a job of several instances cannot, so the merge refuses predictions whose reading the cast
 * changes, and merges those it leaves as they are.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeOutputFolder } from "../../../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../../../engine/output/json-file-text.ts";
import { runProcessingJob } from "../../../../engine/processing/run-processing-job.ts";
import { csvParts, jobOutput, jobTrees, runHosts } from "../../../support/multi-host-trees.ts";

/** 200 rows: labels 0..19 (10% distinct: continuous, so [1] is a threshold), predictions `yhat(i)`. */
function castCsv(yhat: (i: number) => string): string {
  const lines = ["sex,y,yhat"];
  for (let i = 0; i < 200; i++) lines.push(`${i % 3 === 0 ? "F" : "M"},${(i * 7) % 20},${yhat(i)}`);
  return `${lines.join("\n")}\n`;
}

const config = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  predicted_label: "yhat",
  methods: { post_training_bias: { methods: ["DPPL", "DI"] } },
};

/** Cycles through predictions of which 1.5 is above 1 as written and not once cast (1). */
const CHANGED = ["0.5", "1.5", "2.5", "3.5"];
/** Predictions that read the same cast or not: 0.5 and 0 are not above 1, 2.5 and 2 are. */
const KEPT = ["0.5", "2.5", "3.5"];

/** The post-training metrics of the one facet value, by name. */
function metricsOf(analysisText: string): Record<string, number> {
  const analysis = JSON.parse(analysisText) as {
    post_training_bias_metrics: { facets: Record<string, { metrics: { name: string; value: number }[] }[]> };
  };
  const metrics = analysis.post_training_bias_metrics.facets.sex?.[0]?.metrics ?? [];
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function oneInstanceAnalysis(trees: ReturnType<typeof jobTrees>): Promise<string> {
  await runProcessingJob({ processingDir: trees.whole, log: () => {}, threads: 1, environment: {} });
  return readFileSync(join(trees.whole, "output", "analysis.json"), "utf8");
}

describe("float predictions of an integer label on several instances", () => {
  it("refuses the merge when the cast changes a reading, naming the column, a cell, its cast and what to do", async () => {
    // Prepare
    const csv = castCsv((i) => CHANGED[i % CHANGED.length] as string);
    const trees = jobTrees(config, csvParts(csv, ["a.csv", "b.csv"]), [[0], [1]]);
    await runHosts(trees);

    // Act
    const one = await oneInstanceAnalysis(trees);
    const merged = mergeOutputFolder(jobOutput(trees));

    // Assess
    await expect(merged).rejects.toThrow(
      `the predicted label column "yhat" holds floats and the label column "y" integers, so Clarify casts the predictions to int64 before comparing them with label_values_or_threshold 1; the hosts' counts cannot tell which rows hold its cell "1.5" (cast to 1): run the job on one instance, or write the predicted labels as integers`,
    );
    await expect(merged).rejects.toMatchObject({ name: "PartialCountsError" });
    // One instance counts the rows again with the cast: predicted positive are the rows with
    // i % 4 of 2 or 3 (2.5, 3.5), F 34 of 67, M 66 of 133 (as written 1.5 would count too).
    expect(metricsOf(one)).toEqual({
      DPPL: expect.closeTo(66 / 133 - 34 / 67, 12),
      DI: expect.closeTo(34 / 67 / (66 / 133), 12),
    });
  }, 60_000);

  it("merges as one instance analyses when the cast changes no reading", async () => {
    // Prepare
    const csv = castCsv((i) => KEPT[i % KEPT.length] as string);
    const trees = jobTrees(config, csvParts(csv, ["a.csv", "b.csv"]), [[0], [1]]);
    await runHosts(trees);

    // Act
    const merged = await mergeOutputFolder(jobOutput(trees));
    const one = await oneInstanceAnalysis(trees);

    // Assess
    expect(jsonFileText(merged.analysis)).toBe(one);
  }, 60_000);
});
