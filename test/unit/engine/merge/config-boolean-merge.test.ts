/**
 * A config boolean travels to the merge of several instances as a boolean (a host's partial
 * counts carry the config as JSON), so the merge reads it as one instance does. Where smclarify's
 * two comparison steps make one instance count the rows again (aggregate/two-step-matching.ts),
 * the hosts' tables cannot be counted again and the merge refuses, naming the column and a cell.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeOutputFolder } from "../../../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../../../engine/output/json-file-text.ts";
import { runProcessingJob } from "../../../../engine/processing/run-processing-job.ts";
import { cycle, labelledRows } from "../../../support/labelled-rows.ts";
import { csvParts, jobOutput, jobTrees, runHosts } from "../../../support/multi-host-trees.ts";

/** 60 rows: label y 0/1, facet f integers 0/1 (categorical), bools true/false cells. */
function rows(): string {
  return labelledRows(60, {
    f: (i) => ((i * 13 + 5) % 17 < 7 ? 1 : 0),
    bools: (i) => cycle(["True", "false", "TRUE", "False", "true"], i * 3 + Math.floor(i / 4)),
  });
}

function config(facetValues: unknown[], boolValues: unknown[]) {
  return {
    dataset_type: "text/csv",
    label: "y",
    label_values_or_threshold: [true],
    predicted_label: "yhat",
    facet: [
      { name_or_index: "f", value_or_threshold: facetValues },
      { name_or_index: "bools", value_or_threshold: boolValues },
    ],
    methods: { pre_training_bias: { methods: "all" }, post_training_bias: { methods: ["DPPL", "DI"] } },
  };
}

async function oneInstanceAnalysis(trees: ReturnType<typeof jobTrees>): Promise<string> {
  await runProcessingJob({ processingDir: trees.whole, log: () => {}, threads: 1, environment: {} });
  return readFileSync(join(trees.whole, "output", "analysis.json"), "utf8");
}

describe("config booleans on several instances", () => {
  it("merge as one instance analyses them", async () => {
    // Prepare: true on integers, [0] on booleans (bool(0) is False): one count pass suffices.
    const trees = jobTrees(config([true], [0]), csvParts(rows(), ["a.csv", "b.csv"]), [[0], [1]]);
    await runHosts(trees);

    // Act
    const merged = await mergeOutputFolder(jobOutput(trees));
    const one = await oneInstanceAnalysis(trees);

    // Assess
    expect(jsonFileText(merged.analysis)).toBe(one);
    const analysis = JSON.parse(one) as {
      pre_training_bias_metrics: {
        label_value_or_threshold: string;
        facets: Record<string, { value_or_threshold: string }[]>;
      };
    };
    expect(analysis.pre_training_bias_metrics.label_value_or_threshold).toBe("True");
    expect(analysis.pre_training_bias_metrics.facets.f?.[0]?.value_or_threshold).toBe("True");
    expect(analysis.pre_training_bias_metrics.facets.bools?.[0]?.value_or_threshold).toBe("0");
  }, 60_000);

  it("refuses the merge where smclarify's first step decides, naming the column and a cell", async () => {
    // Prepare: [true, 0] on integers: 0 matches the zeros first, so True is never compared.
    const trees = jobTrees(config([true, 0], [true]), csvParts(rows(), ["a.csv", "b.csv"]), [[0], [1]]);
    await runHosts(trees);

    // Act
    const merged = mergeOutputFolder(jobOutput(trees));

    // Assess
    await expect(merged).rejects.toThrow(
      `the facet column "f": Clarify compares facet[0].value_or_threshold with its cells in two steps (the values as they are`,
    );
    await expect(merged).rejects.toThrow(`for cells such as "1": run the job on one instance`);
    await expect(merged).rejects.toMatchObject({ name: "PartialCountsError" });
  }, 60_000);
});
