/**
 * SHAP on several instances, host by host (`process` on each host's tree, then the merge of
 * their output), against one instance over the whole dataset: the same explanations, or the
 * same refusal.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeOutputFolder } from "../../../../engine/merge/merge-output-folder.ts";
import { runProcessingJob, runProcessingOnHost } from "../../../../engine/processing/run-processing-job.ts";
import { jobOutput, jobTrees, type PartFiles, runHosts } from "../../../support/multi-host-trees.ts";
import { type ScoringServer, startScoringServer } from "../../../support/scoring-server.ts";

/** p = sigmoid(Σ numbers / 10 + Σ lengths of the texts): a text cell's exact text matters. */
let model: ScoringServer;
beforeAll(async () => {
  model = await startScoringServer((cells) => {
    let sum = 0;
    for (const cell of cells) sum += /^-?\d+$/.test(cell) ? Number(cell) / 10 : cell.length;
    return 1 / (1 + Math.exp(-sum));
  });
});
afterAll(() => model.close());

const quiet = () => {};

/** analysis.json's explanations of one instance and of the hosts `assignment` deals the files to, or each one's refusal. */
async function oneAndSeveral(
  config: Record<string, unknown>,
  files: PartFiles,
  assignment: number[][],
): Promise<{ one: string; several: string }> {
  const trees = jobTrees(config, files, assignment);
  const environment = { CLARIFY_PIPELINE_MODEL_ENDPOINT: model.url };
  const one = await runProcessingJob({ processingDir: trees.whole, log: quiet, threads: 1, environment })
    .then(() => {
      const analysis = JSON.parse(readFileSync(join(trees.whole, "output", "analysis.json"), "utf8"));
      return JSON.stringify(analysis.explanations);
    })
    .catch((error: Error) => `refused: ${error.message}`);
  let several: string;
  try {
    await runHosts(trees, environment);
    const merged = await mergeOutputFolder(jobOutput(trees));
    several = JSON.stringify(merged.analysis.explanations);
  } catch (error) {
    several = `refused: ${(error as Error).message}`;
  }
  return { one, several };
}

/** SHAP of a number x and a text c against a baseline whose c is text. */
const TEXT_BASELINE = {
  dataset_type: "text/csv",
  label: "y",
  predictor: { endpoint_name: "model" },
  methods: { shap: { baseline: [[0, "red"]] } },
};

describe("SHAP on several hosts against one instance", () => {
  it("explains alike when one host's rows all miss the text feature", async () => {
    // Prepare
    const files = { "p0.csv": "x,c,y\n1,red,0\n2,blue,1\n", "p1.csv": "x,c,y\n3,,0\n" };
    // Act
    const { one, several } = await oneAndSeveral(TEXT_BASELINE, files, [[0], [1]]);
    // Assess
    expect(one).toContain('"kernel_shap"');
    expect(several).toBe(one);
  });

  it("explains alike when one host's files hold only numbers in the text feature", async () => {
    // Prepare
    const files = { "p0.csv": "x,c,y\n1,red,0\n2,blue,1\n", "p1.csv": "x,c,y\n3,7,0\n4,12,1\n" };
    // Act
    const { one, several } = await oneAndSeveral(TEXT_BASELINE, files, [[0], [1]]);
    // Assess
    expect(one).toContain('"kernel_shap"');
    expect(several).toBe(one);
  });

  it("refuses, as one instance does, baseline text for a feature of numbers in every file", async () => {
    // Prepare
    const files = { "p0.csv": "x,c,y\n1,5,0\n2,6,1\n", "p1.csv": "x,c,y\n3,7,0\n" };
    // Act
    const { one, several } = await oneAndSeveral(TEXT_BASELINE, files, [[0], [1]]);
    // Assess
    expect(one).toBe(
      'refused: $.methods.shap.baseline[0][1]: "red" is not a number, and feature "c" is numeric',
    );
    expect(several).toBe(one);
  });
});

describe("JSON Lines on several hosts", () => {
  it("explains alike, a host lacking the baseline's category included", async () => {
    // Prepare: the features array holds a number and a text; only p0 holds "red"
    const line = (x: number, c: string, y: number) => JSON.stringify({ features: [x, c], y });
    const config = {
      dataset_type: "application/jsonlines",
      features: "features",
      label: "y",
      headers: ["x", "c", "y"],
      predictor: { endpoint_name: "model" },
      methods: { shap: { baseline: [[0, "red"]], agg_method: "median", save_local_shap_values: true } },
    };
    const files = {
      "p0.jsonl": `${line(1, "red", 0)}\n${line(2, "blue", 1)}\n`,
      "p1.jsonl": `${line(3, "green", 0)}\n${line(4, "blue", 1)}\n${line(5, "green", 0)}\n`,
    };
    // Act
    const { one, several } = await oneAndSeveral(config, files, [[0], [1]]);
    // Assess
    expect(one).toContain('"kernel_shap"');
    expect(several).toBe(one);
  });
});

describe("a text feature's numbers, host by host", () => {
  it("reach the model with their own text ('1.0', not '1') whether or not a text cell came first", async () => {
    // Prepare: on one instance p1's "1.0" follows p0's text; on its host it comes first
    const config = {
      ...TEXT_BASELINE,
      methods: { shap: { baseline: [[0, "red"]], save_local_shap_values: true } },
    };
    const files = { "p0.csv": "x,c,y\n1,red,0\n2,blue,1\n", "p1.csv": "x,c,y\n3,1.0,0\n4,red,1\n" };
    // Act
    const { one, several } = await oneAndSeveral(config, files, [[0], [1]]);
    // Assess
    expect(one).toContain('"kernel_shap"');
    expect(several).toBe(one);
  });
});

describe("a model the job's environment hands it", () => {
  it("needs no predictor in the config, on several hosts as on one", async () => {
    // Prepare
    const { predictor: _, ...config } = TEXT_BASELINE;
    const files = { "p0.csv": "x,c,y\n1,red,0\n2,blue,1\n", "p1.csv": "x,c,y\n3,red,0\n" };
    // Act
    const { one, several } = await oneAndSeveral(config, files, [[0], [1]]);
    // Assess
    expect(one).toContain('"kernel_shap"');
    expect(several).toBe(one);
  });
});

describe("the dataset's columns, host by host", () => {
  it("are compared with SHAP alone as one instance compares its files' header rows", async () => {
    // Prepare
    const config = {
      dataset_type: "text/csv",
      label: "y",
      predictor: { endpoint_name: "model" },
      methods: { shap: { baseline: [[0, 0]], features_to_explain: ["a"] } },
    };
    const files = { "p0.csv": "a,b,y\n1,2,0\n3,4,1\n", "p1.csv": "a,zzz,y\n5,6,0\n7,8,1\n" };
    // Act
    const { one, several } = await oneAndSeveral(config, files, [[0], [1]]);
    // Assess
    expect(one).toMatch(/^refused: /);
    expect(several).toBe(
      'refused: host algo-2: explanations.columns.names ["a","zzz","y"] differs from host algo-1\'s ["a","b","y"]: every part of the dataset must have the same columns',
    );
  });

  it("are compared for a host whose file holds a header row only, as one instance compares it", async () => {
    // Prepare: SHAP alone, algo-2's file of no row names other columns
    const config = {
      dataset_type: "text/csv",
      label: "y",
      predictor: { endpoint_name: "model" },
      methods: { shap: { baseline: [[0, 0]] } },
    };
    const files = { "p0.csv": "a,b,y\n1,2,0\n", "p1.csv": "a,zzz,y\n" };
    // Act
    const { one, several } = await oneAndSeveral(config, files, [[0], [1]]);
    // Assess
    expect(one).toMatch(/^refused: .*p1\.csv.*: header row differs from the first file's \(a,b,y\)$/);
    expect(several).toBe(
      'refused: host algo-2: columnNames ["a","zzz","y"] differs from host algo-1\'s ["a","b","y"]: every part of the dataset must have the same columns',
    );
  });

  it("are compared when no host's files hold a row, before the dataset is refused as empty", async () => {
    // Prepare
    const config = {
      dataset_type: "text/csv",
      label: "y",
      predictor: { endpoint_name: "model" },
      methods: { shap: { baseline: [[0, 0]] } },
    };
    const files = { "p0.csv": "a,b,y\n", "p1.csv": "a,zzz,y\n" };
    // Act
    const { one, several } = await oneAndSeveral(config, files, [[0], [1], []]);
    // Assess
    expect(one).toMatch(/^refused: .*header row differs from the first file's/);
    expect(several).toBe(
      'refused: host algo-2: columnNames ["a","zzz","y"] differs from host algo-1\'s ["a","b","y"]: every part of the dataset must have the same columns',
    );
  });

  it("of a host whose file holds a header row only pass when they are the others'", async () => {
    // Prepare
    const config = {
      dataset_type: "text/csv",
      label: "y",
      predictor: { endpoint_name: "model" },
      methods: { shap: { baseline: [[0, 0]] } },
    };
    const files = { "p0.csv": "a,b,y\n1,2,0\n3,5,1\n", "p1.csv": "a,b,y\n" };
    // Act
    const { one, several } = await oneAndSeveral(config, files, [[0], [1], []]);
    // Assess
    expect(one).toContain('"kernel_shap"');
    expect(several).toBe(one);
  });
});

describe("a dataset of no row on several hosts", () => {
  it("is refused with one instance's message", async () => {
    // Prepare: header rows only
    const files = { "p0.csv": "x,c,y\n", "p1.csv": "x,c,y\n" };
    // Act
    const { several } = await oneAndSeveral(TEXT_BASELINE, files, [[0], [1]]);
    // Assess: one instance reads /opt/ml/processing/input/data in the job
    expect(several).toBe("refused: the dataset /opt/ml/processing/input/data has no rows");
  });
});

describe("the model of a host with nothing to explain", () => {
  it("is never opened: a host of no file, or of files of no row, calls no endpoint and makes none", async () => {
    // Prepare: algo-2's file has a header row only, algo-3 gets no file
    const files = { "p0.csv": "x,c,y\n1,red,0\n", "p1.csv": "x,c,y\n" };
    const trees = jobTrees(TEXT_BASELINE, files, [[0], [1], []]);
    const logs: string[] = [];

    // Act: no model handed to the job, so the predictor's endpoint would be the model
    for (const host of trees.hosts.slice(1)) {
      await runProcessingOnHost({
        processingDir: host.tree,
        resourceConfigPath: host.resourceConfig,
        log: (line) => logs.push(`${host.name}: ${line}`),
        threads: 1,
        environment: {},
      });
    }

    // Assess
    expect(logs.filter((line) => line.includes("model:"))).toEqual([]);
    expect(logs).toContain("algo-2: host algo-2 of 3: explained 0 rows (0 model evaluations)");
    expect(logs).toContain("algo-3: host algo-3 of 3 (algo-1, algo-2, algo-3)");
  });
});

describe("out.csv of a merge from a folder", () => {
  it("is removed when the merge fails after writing part of it", async () => {
    // Prepare: algo-2's local values damaged after algo-1's went to out.csv
    const config = {
      ...TEXT_BASELINE,
      methods: { shap: { baseline: [[0, "red"]], save_local_shap_values: true } },
    };
    const files = { "p0.csv": "x,c,y\n1,red,0\n2,blue,1\n", "p1.csv": "x,c,y\n3,red,0\n" };
    const trees = jobTrees(config, files, [[0], [1]]);
    const environment = { CLARIFY_PIPELINE_MODEL_ENDPOINT: model.url };
    await runHosts(trees, environment);
    const output = jobOutput(trees);
    writeFileSync(join(output, "partial/algo-2/0.shap.csv"), "oops\n");
    const localValuesPath = join(output, "out.csv");

    // Act
    const merged = mergeOutputFolder(output, { localValuesPath });

    // Assess
    await expect(merged).rejects.toThrow("line 1 holds 1 values, expected 2");
    expect(existsSync(localValuesPath)).toBe(false);
  });
});
