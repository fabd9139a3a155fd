import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../../../../bin/cli/cli-error.ts";
import { threadsFlag } from "../../../../bin/cli/threads-flag.ts";
import { analyze } from "../../../../engine/analyze.ts";
import { EngineInputError } from "../../../../engine/errors.ts";
import { minBytesPerThread } from "../../../../engine/parallel/parallel-counts.ts";
import {
  explainBlocksFromEnvironment,
  threadsFromEnvironment,
} from "../../../../engine/processing/thread-environment.ts";

const root = join(import.meta.dirname, "../../../..");

describe("how many threads count", () => {
  it("keeps the example on one thread by default (no worker start-up for a small dataset)", async () => {
    // Prepare
    const config = JSON.parse(readFileSync(join(root, "examples/credit/analysis_config.json"), "utf8"));

    // Act
    const result = await analyze({
      datasetPath: join(root, "examples/credit/credit.csv"),
      config,
      outDir: mkdtempSync(join(tmpdir(), "threads-default-")),
      intervals: false,
      threads: { threads: 8 },
    });

    // Assess
    expect(result.threads).toBe(1);
    expect(result.workerCpuSeconds).toBeUndefined();
  });

  it("asks 64 MiB of CSV per thread by default, 16 MiB of JSON Lines or Parquet, unless told otherwise", () => {
    // Prepare
    const csv = { kind: "csv" } as const;
    const parquet = { kind: "parquet" } as const;
    const jsonLines = { kind: "jsonlines", extraPaths: [] } as const;

    // Act
    const defaults = [csv, parquet, jsonLines].map((format) => minBytesPerThread(format, {}));
    const told = [csv, parquet].map((format) => minBytesPerThread(format, { minBytesPerThread: 1 << 20 }));

    // Assess
    expect(defaults).toEqual([64 << 20, 16 << 20, 16 << 20]);
    expect(told).toEqual([1 << 20, 1 << 20]);
  });

  it("reads CLARIFY_PIPELINE_THREADS and CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD from the job's environment", () => {
    // Act
    const options = threadsFromEnvironment({
      CLARIFY_PIPELINE_THREADS: "4",
      CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD: "0",
    });

    // Assess
    expect(options).toEqual({ threads: 4, minBytesPerThread: 0 });
    expect(threadsFromEnvironment({})).toEqual({});
  });

  it("reads CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD for the explanations", () => {
    // Act
    const options = explainBlocksFromEnvironment({ CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD: "1000" });

    // Assess
    expect(options).toEqual({ minEvaluationsPerThread: 1000 });
    expect(explainBlocksFromEnvironment({})).toEqual({});
    expect(() => explainBlocksFromEnvironment({ CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD: "-5" })).toThrow(
      'environment CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD: "-5" must be a whole number of at least 0',
    );
  });

  it.each([
    ["CLARIFY_PIPELINE_THREADS", "0", "at least 1"],
    ["CLARIFY_PIPELINE_THREADS", "two", "at least 1"],
    ["CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD", "-1", "at least 0"],
  ])("refuses %s=%s naming the variable and the rule", (name, value, rule) => {
    // Act
    const read = () => threadsFromEnvironment({ [name]: value });

    // Assess
    expect(read).toThrow(EngineInputError);
    expect(read).toThrow(`environment ${name}: "${value}" must be a whole number of ${rule}`);
  });

  it.each(["0", "1.5", "all"])("refuses --threads %s", (text) => {
    // Assess
    expect(() => threadsFlag(text)).toThrow(CliError);
    expect(() => threadsFlag(text)).toThrow(`--threads ${text} must be a whole number of at least 1`);
  });
});
