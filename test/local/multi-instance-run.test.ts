/**
 * `run --local` of the builtin engine on several instances, through the real state machine: the
 * dataset, a folder of part files, is sharded by object across the emulator's hosts; each host
 * counts its files into output/partial/<host>.json and CollectResults merges them. The run must
 * write the analysis.json, and reach the verdict, of the same run on one instance — with more
 * part files than hosts and with fewer.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { censusCsv } from "../../examples/census/generate-dataset.ts";
import { localEngineSettings } from "../../local/local-settings.ts";
import { csvColumns, writeParquet } from "../support/parquet-writer.ts";
import { FIXTURE, type ScenarioWorkspace, scenarioWorkspace } from "./support/scenario.ts";

const ROOT = join(import.meta.dirname, "../..");
const builtin = { settings: localEngineSettings("builtin") };

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("multi-instance");
});
afterAll(async () => {
  await workspace.close();
});

const readJson = async (path: string) =>
  JSON.parse(await readFile(join(ROOT, path), "utf8")) as Record<string, unknown>;

/** Every post-training metric but FT, which a job of several instances refuses. */
const POST_TRAINING_BUT_FT = ["DPPL", "DI", "DCA", "DCR", "RD", "DAR", "DRR", "AD", "CDDPL", "TE"];

/** Writes `csv` into the workspace as `parts` files `part-00000.csv` … (a header row in each). */
async function csvParts(folder: string, csv: string, parts: number): Promise<string> {
  const [header, ...rows] = csv.trimEnd().split("\n");
  const dir = join(workspace.root, folder);
  await mkdir(dir, { recursive: true });
  const size = Math.ceil(rows.length / parts);
  for (let part = 0; part < parts; part++) {
    const slice = rows.slice(part * size, (part + 1) * size);
    await writeFile(
      join(dir, `part-${String(part).padStart(5, "0")}.csv`),
      `${header}\n${slice.join("\n")}\n`,
    );
  }
  return `${folder}/`;
}

/** The credit example as `parts` Parquet files. */
async function parquetParts(folder: string, parts: number): Promise<string> {
  const columns = csvColumns(await readFile(join(ROOT, "examples/credit/credit.csv"), "utf8"));
  const dir = join(workspace.root, folder);
  await mkdir(dir, { recursive: true });
  const rows = columns[0]?.data.length ?? 0;
  const size = Math.ceil(rows / parts);
  for (let part = 0; part < parts; part++) {
    const slice = columns.map((column) => ({
      ...column,
      data: column.data.slice(part * size, (part + 1) * size),
    }));
    writeParquet(join(dir, `part-${String(part).padStart(5, "0")}.parquet`), slice);
  }
  return `${folder}/`;
}

interface Case {
  readonly name: string;
  readonly config: () => Promise<Record<string, unknown>>;
  /** Writes the dataset into the workspace; returns its path relative to run.json. */
  readonly dataset: () => Promise<string>;
  readonly gates: Record<string, unknown>;
}

const creditConfig = async () => {
  const config = await readJson("examples/credit/analysis_config.json");
  return {
    ...config,
    methods: { ...(config.methods as object), post_training_bias: { methods: POST_TRAINING_BUT_FT } },
  };
};

const CASES: readonly Case[] = [
  {
    name: "examples/credit as 7 CSV part files (more files than hosts)",
    config: creditConfig,
    dataset: async () =>
      csvParts("credit-parts", await readFile(join(ROOT, "examples/credit/credit.csv"), "utf8"), 7),
    gates: (await readJson("examples/credit/run.json")).gates as Record<string, unknown>,
  },
  {
    name: "examples/census (3,000 rows, quoted fields) as 5 CSV part files, failing its gates",
    config: () => readJson("examples/census/analysis_config.json"),
    dataset: () => csvParts("census-parts", censusCsv(3000), 5),
    gates: (await readJson("examples/census/run.json")).gates as Record<string, unknown>,
  },
  {
    name: "the credit-mini fixture as 2 CSV part files (fewer files than hosts)",
    config: async () => JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8")),
    dataset: async () => csvParts("mini-parts", await readFile(join(FIXTURE, "train.csv"), "utf8"), 2),
    gates: { CI: { absMax: 0.5 }, DPL: { absMax: 0.9 } },
  },
  {
    name: "the test/fixtures credit dataset as one file in a folder",
    config: () => readJson("test/fixtures/valid/config/credit.analysis_config.json"),
    dataset: async () =>
      csvParts(
        "fixture-credit",
        await readFile(join(ROOT, "test/fixtures/valid/data/credit.csv"), "utf8"),
        1,
      ),
    gates: { CI: { absMax: 0.9 } },
  },
  {
    name: "examples/credit as 4 Parquet part files",
    config: async () => ({ ...(await creditConfig()), dataset_type: "application/x-parquet" }),
    dataset: () => parquetParts("credit-parquet", 4),
    gates: { DPPL: { absMax: 0.3 } },
  },
];

async function runOn(instanceCount: number, config: string, dataset: string, gates: Record<string, unknown>) {
  const report = await workspace.run(
    {
      runName: `instances-${instanceCount}`,
      analysisConfigUri: config,
      dataset: { uri: dataset, s3DataType: "S3Prefix" },
      job: { instanceCount, maxRuntimeInSeconds: 86_400 },
      gates,
    },
    builtin,
  );
  const resultsDirectory = report.resultsDirectory ?? "";
  return {
    report,
    analysis: await readFile(join(resultsDirectory, "output", "analysis.json"), "utf8"),
    gates: await readFile(join(resultsDirectory, "summary.json"), "utf8").then(
      (text) => (JSON.parse(text) as { gates?: unknown }).gates,
    ),
  };
}

describe("run --local --engine builtin on several instances", () => {
  for (const [index, { name, config, dataset, gates }] of CASES.entries()) {
    it(`writes the one-instance analysis.json and verdict on 2 and 3 instances: ${name}`, async () => {
      // Prepare
      const configFile = `config-${index}.json`;
      await writeFile(join(workspace.root, configFile), JSON.stringify(await config()));
      const datasetPath = await dataset();

      // Act
      const one = await runOn(1, configFile, datasetPath, gates);
      const two = await runOn(2, configFile, datasetPath, gates);
      const three = await runOn(3, configFile, datasetPath, gates);

      // Assess
      expect(one.report.verdict).toMatch(/^(succeeded|bias-gate-failed)$/);
      expect(JSON.parse(one.analysis).pre_training_bias_metrics).toBeDefined();
      for (const several of [two, three]) {
        expect(several.analysis).toBe(one.analysis);
        expect(several.report.verdict).toBe(one.report.verdict);
        expect(several.gates).toEqual(one.gates);
      }
      expect(three.report.jobs[0]?.ProcessingInputs).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            InputName: "dataset",
            S3Input: expect.objectContaining({ S3DataDistributionType: "ShardedByS3Key" }),
          }),
        ]),
      );
    });
  }

  it("fails in ValidateConfig, with a summary.json, for FT on two instances", async () => {
    // Prepare
    const config = await readJson("examples/credit/analysis_config.json");
    await writeFile(join(workspace.root, "ft-config.json"), JSON.stringify(config));
    const datasetPath = await csvParts(
      "ft-parts",
      await readFile(join(ROOT, "examples/credit/credit.csv"), "utf8"),
      2,
    );

    // Act
    const report = await workspace.run(
      {
        analysisConfigUri: "ft-config.json",
        dataset: { uri: datasetPath, s3DataType: "S3Prefix" },
        job: { instanceCount: 2 },
      },
      builtin,
    );

    // Assess
    expect(report.execution.failedStep).toBe("ValidateConfig");
    expect(report.sageMakerCalls.createProcessingJob).toBe(0);
    const summary = report.summary as { problems: string[] };
    expect(summary.problems).toEqual([
      expect.stringMatching(
        /ft-config\.json \$\.methods\.post_training_bias\.methods: FT with 2 instances: the Flip Test compares every facet row with its nearest neighbours among all the other rows, which no single host holds; list the post-training metrics without FT, or run it on one instance \(job\.instanceCount 1\)$/,
      ),
    ]);
  });
});
