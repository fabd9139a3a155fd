/**
 * The container's progress lines: `process` logs the count pass's progress to stdout (the job's
 * log) as often as CLARIFY_PIPELINE_PROGRESS_SECONDS says; a host of a multi-instance job
 * reports its own shard.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../../bin/cli/main.ts";
import { runProcessingOnHost } from "../../../../engine/processing/run-processing-job.ts";
import { byteAmount } from "../../../../engine/progress/progress-reporter.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";
import { creditConfig, csvParts, jobTrees } from "../../../support/multi-host-trees.ts";

const CONFIG = {
  dataset_type: "text/csv",
  label: "approved",
  label_values_or_threshold: ["yes"],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
};

/** About 3 MB: three chunks of the reader at least. */
const CSV = `note,sex,approved\n${Array.from(
  { length: 100_000 },
  (_, i) => `row ${i} of a generated dataset,${i % 3 === 0 ? "F" : "M"},${i % 7 < 3 ? "yes" : "no"}\n`,
).join("")}`;

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "process-progress-"));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function processingTree(): Promise<{ processing: string; message: string }> {
  counter++;
  const ml = join(root, `tree-${counter}`, "opt", "ml");
  const processing = join(ml, "processing");
  await mkdir(join(processing, "input", "config"), { recursive: true });
  await mkdir(join(processing, "input", "data"), { recursive: true });
  await writeFile(join(processing, "input/config/analysis_config.json"), JSON.stringify(CONFIG));
  await writeFile(join(processing, "input/data/rows.csv"), CSV);
  return { processing, message: join(ml, "output", "message") };
}

async function runProcess(tree: { processing: string; message: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ["process", "--processing-dir", tree.processing, "--message-file", tree.message, "--threads", "1"],
    { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text) },
  );
  return { code, stdout: out.join("").split("\n"), stderr: err.join("") };
}

describe("process's progress lines", () => {
  it("logs the count pass's progress between computing and the result with the variable set", async () => {
    // Prepare
    vi.stubEnv("CLARIFY_PIPELINE_PROGRESS_SECONDS", "0");
    const tree = await processingTree();
    const size = byteAmount((await stat(join(tree.processing, "input/data/rows.csv"))).size);

    // Act
    const result = await runProcess(tree);

    // Assess: progress lines after "computing the analysis", before "analysed", the last at the whole file
    expect(result.code).toBe(0);
    const computing = result.stdout.indexOf("computing the analysis");
    const analysed = result.stdout.findIndex((line) => line.startsWith("analysed 100000 rows"));
    const progress = result.stdout.slice(computing + 1, analysed);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(
      progress.every((line) => line.startsWith(`counting rows: `) && line.includes(` of ${size} read (`)),
    ).toBe(true);
    expect(progress.at(-1)).toMatch(
      new RegExp(`^counting rows: ${size} of ${size} read \\(100 %\\), \\d+ s$`),
    );
  });

  it("logs no progress line on a short job with the default interval", async () => {
    // Prepare
    const tree = await processingTree();

    // Act
    const result = await runProcess(tree);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout.filter((line) => line.startsWith("counting rows"))).toEqual([]);
  });

  it("fails naming the variable when its value is not a whole number", async () => {
    // Prepare
    vi.stubEnv("CLARIFY_PIPELINE_PROGRESS_SECONDS", "soon");
    const tree = await processingTree();

    // Act
    const result = await runProcess(tree);

    // Assess
    const line =
      'ClientError: environment CLARIFY_PIPELINE_PROGRESS_SECONDS: "soon" must be a whole number of at least 0';
    expect(result.code).toBe(1);
    expect(await readFile(tree.message, "utf8")).toBe(`${line}\n`);
  });

  it("has each host of a multi-instance job report the bytes of its own shard", async () => {
    // Prepare: the credit example as four parts, two on each host
    const csv = await readFile(join(import.meta.dirname, "../../../../examples/credit/credit.csv"), "utf8");
    const files = csvParts(csv, ["part-0.csv", "part-1.csv", "part-2.csv", "part-3.csv"]);
    const trees = jobTrees(creditConfig(), files, [
      [0, 1],
      [2, 3],
    ]);
    const host = trees.hosts[1] as (typeof trees.hosts)[number];
    const shardBytes = [files["part-2.csv"], files["part-3.csv"]].reduce(
      (sum, text) => sum + Buffer.byteLength(text as string),
      0,
    );
    const lines: string[] = [];

    // Act
    await runProcessingOnHost({
      processingDir: host.tree,
      resourceConfigPath: host.resourceConfig,
      log: (line) => lines.push(line),
      threads: 1,
      environment: { CLARIFY_PIPELINE_PROGRESS_SECONDS: "0" },
    });

    // Assess: the host names itself, and counts to its shard's bytes, not the dataset's
    const progress = lines.filter((line) => line.includes("counting rows"));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const shard = byteAmount(shardBytes);
    expect(progress.at(-1)).toMatch(
      new RegExp(`^host algo-2 of 2: counting rows: ${shard} of ${shard} read \\(100 %\\), \\d+ s$`),
    );
  });

  it("has each host report the rows of its own shard it explains", async () => {
    // Prepare: 3 numeric features, 300 rows as two parts, the second on host algo-2; an ONNX model
    const model = join(root, "lr.onnx");
    await writeFile(model, logisticRegression([0.5, -0.25, 1], 0.1));
    const rows = Array.from(
      { length: 300 },
      (_, i) => `${i % 5},${(i * 7) % 11},${i % 2},${i % 3 === 0 ? 1 : 0}`,
    );
    const files = csvParts(`a,b,c,y\n${rows.join("\n")}\n`, ["part-0.csv", "part-1.csv"], [120, 180]);
    const config = {
      dataset_type: "text/csv",
      label: "y",
      methods: { shap: { baseline: [[0, 0, 0]] } },
    };
    const trees = jobTrees(config, files, [[0], [1]]);
    const host = trees.hosts[1] as (typeof trees.hosts)[number];
    const lines: string[] = [];

    // Act
    await runProcessingOnHost({
      processingDir: host.tree,
      resourceConfigPath: host.resourceConfig,
      log: (line) => lines.push(line),
      threads: 1,
      environment: { CLARIFY_PIPELINE_PROGRESS_SECONDS: "0", CLARIFY_PIPELINE_MODEL: model },
    });

    // Assess: the host's 180 rows, not the dataset's 300
    const progress = lines.filter((line) => line.includes("explaining rows"));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toMatch(
      /^host algo-2 of 2: explaining rows: 180 of 180 rows explained \(100 %\), [\d,]+ model evaluations, \d+ s$/,
    );
  });
});
