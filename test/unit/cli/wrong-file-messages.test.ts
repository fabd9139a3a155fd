/**
 * A file given where another kind was expected gets one line saying what was expected:
 * an analysis config where run.json belongs, an existing file where --out wants a folder.
 */
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/run-cli.ts";

const FIXTURE = new URL("../../local/fixtures/credit-mini/", import.meta.url).pathname;
const NOT_A_RUN_INPUT =
  'this is a Clarify analysis config, not a run input (run.json); a run.json names it in "analysisConfigUri" (a path or S3 URI) or holds it inline in "analysisConfig", and names the data in "dataset": { "uri": ... }';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wrong-file-"));
  for (const file of ["analysis_config.json", "train.csv", "run.json"])
    await copyFile(join(FIXTURE, file), join(dir, file));
  await writeFile(join(dir, "notes.txt"), "an existing file\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("an analysis config where run.json is expected", () => {
  it("run --local says so in one line, before anything runs", async () => {
    // Prepare
    const config = join(dir, "analysis_config.json");
    const out = join(dir, "run-out");
    // Act
    const result = await runCli(["run", "--local", "--input", config, "--out", out]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: --input ${config}: ${NOT_A_RUN_INPUT}\n`);
    expect(await readdir(dir)).not.toContain("run-out");
  });

  it("validate says so in one problem line", async () => {
    // Prepare
    const config = join(dir, "analysis_config.json");
    // Act
    const result = await runCli(["validate", "--input", config]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`$: ${NOT_A_RUN_INPUT}\n`);
  });
});

describe("a run.json where an analysis config is expected", () => {
  it("analyze says so in one line", async () => {
    // Prepare
    const runJson = join(dir, "run.json");
    // Act
    const result = await runCli([
      "analyze",
      "--dataset",
      join(dir, "train.csv"),
      "--config",
      runJson,
      "--out",
      join(dir, "analyze-out"),
    ]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: --config ${runJson} is a run input (run.json), not an analysis config; analyze takes the Clarify analysis_config.json it names, and \`clarify-pipeline run --local --input ${runJson}\` runs the whole run\n`,
    );
  });
});

describe("--out naming an existing file", () => {
  it("run --local says --out wants a folder, before anything runs", async () => {
    // Prepare
    const out = join(dir, "notes.txt");
    // Act
    const result = await runCli(["run", "--local", "--input", join(dir, "run.json"), "--out", out]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: --out ${out} is an existing file; --out names a folder (new or existing) that receives a copy of the run folder\n`,
    );
  });

  it("analyze says --out wants a folder", async () => {
    // Prepare
    const out = join(dir, "notes.txt");
    // Act
    const result = await runCli([
      "analyze",
      "--dataset",
      join(dir, "train.csv"),
      "--config",
      join(dir, "analysis_config.json"),
      "--out",
      out,
    ]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: --out ${out} is an existing file; --out names a folder (new or existing) that receives analysis.json and report.html\n`,
    );
    expect(result.stdout).toBe("");
  });
});
