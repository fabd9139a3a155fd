/**
 * The merge of several instances compares configured values as one instance does, in
 * smclarify's two steps (aggregate/two-step-matching.ts). A value written as a float (`1.0`)
 * reaches the merge as a float: a host's partial counts carry where the config's floats are
 * (`configFloats`) beside the plain JSON copy of the config. Where the first step makes one
 * instance count the rows again, the hosts' tables cannot be counted again and the merge
 * refuses, naming the column and a cell. The value spellings below came from smclarify's
 * bias_report (pandas 1.5.3) on the same rows and config.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeOutputFolder } from "../../../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../../../engine/output/json-file-text.ts";
import { runProcessingJob } from "../../../../engine/processing/run-processing-job.ts";
import { labelledRows } from "../../../support/labelled-rows.ts";
import { csvParts, type JobTrees, jobOutput, jobTrees, runHosts } from "../../../support/multi-host-trees.ts";

/** 80 rows: y and yhat 0/1; f integers 0 to 2 (categorical, int64). */
function rows(): string {
  return labelledRows(80, { f: (i) => (i * 13 + 5 + Math.floor(i / 6)) % 3 });
}

/** The job's trees with analysis_config.json written as text, so that `1.0` keeps its spelling. */
function trees(facetValues: string): JobTrees {
  const text = `{"dataset_type": "text/csv", "label": "y", "label_values_or_threshold": [1], "predicted_label": "yhat",
    "facet": [{"name_or_index": "f", "value_or_threshold": ${facetValues}}],
    "methods": {"pre_training_bias": {"methods": "all"}, "post_training_bias": {"methods": ["DPPL", "DI"]}}}`;
  const job = jobTrees(JSON.parse(text), csvParts(rows(), ["a.csv", "b.csv"]), [[0], [1]]);
  for (const tree of [job.whole, ...job.hosts.map((host) => host.tree)]) {
    writeFileSync(join(tree, "input/config/analysis_config.json"), text);
  }
  return job;
}

async function oneInstanceAnalysis(job: JobTrees): Promise<string> {
  await runProcessingJob({ processingDir: job.whole, log: () => {}, threads: 1, environment: {} });
  return readFileSync(join(job.whole, "output", "analysis.json"), "utf8");
}

describe("configured values compared in two steps on several instances", () => {
  it("merge a config float as one instance analyses it", async () => {
    // Prepare: 1.0 is a number in the first step, equal to the 1s; as the text "1.0" it would
    // equal no integer, and 2 would match alone.
    const job = trees("[1.0, 2]");
    await runHosts(job);

    // Act
    const merged = await mergeOutputFolder(jobOutput(job));
    const one = await oneInstanceAnalysis(job);

    // Assess
    expect(jsonFileText(merged.analysis)).toBe(one);
    const analysis = JSON.parse(one) as {
      pre_training_bias_metrics: {
        facets: Record<string, { value_or_threshold: string; metrics: { name: string; value: number }[] }[]>;
      };
    };
    const facet = analysis.pre_training_bias_metrics.facets.f?.[0];
    expect(facet?.value_or_threshold).toBe("1.0,2");
    // smclarify: CI of the 1s and 2s.
    expect(facet?.metrics.find((m) => m.name === "CI")?.value).toBeCloseTo(-0.325, 12);
    const partial = JSON.parse(readFileSync(join(jobOutput(job), "partial", "algo-1.json"), "utf8"));
    expect(partial.configFloats).toEqual(["facet[0].value_or_threshold[0]"]);
  }, 60_000);

  it("refuses the merge where smclarify's first step decides, naming the column and a cell", async () => {
    // Prepare: ["1", 2] on integers: 2 matches the 2s first, so "1" is never converted to 1.
    const job = trees('["1", 2]');
    await runHosts(job);

    // Act
    const merged = mergeOutputFolder(jobOutput(job));

    // Assess
    await expect(merged).rejects.toThrow(
      `the facet column "f": Clarify compares facet[0].value_or_threshold with its cells in two steps (the values as they are, so a text equals no number`,
    );
    await expect(merged).rejects.toThrow(`for cells such as "1": run the job on one instance`);
    await expect(merged).rejects.toMatchObject({ name: "PartialCountsError" });
  }, 60_000);
});
