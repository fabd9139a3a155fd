/**
 * A run.json cannot make `run --local` write outside the run's folders: an S3 URI whose key
 * climbs with `..` (which the embedded S3 server would turn into a file path outside its
 * root) is refused by ValidateConfig, and nothing appears where it pointed. Nor can it read
 * local files outside its own folder unless the user says so.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";

const FIXTURE = new URL("./fixtures/credit-mini/", import.meta.url).pathname;
let workspace: string;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), "run-folder-containment-"));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Every file under `folder`, relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

/** The credit-mini fixture copied into `<workspace>/input/`, with run.json overrides. */
async function writeInput(overrides: Record<string, unknown>): Promise<string> {
  const input = join(workspace, "input");
  await mkdir(input);
  for (const file of ["analysis_config.json", "train.csv"])
    await copyFile(join(FIXTURE, file), join(input, file));
  const runJson = {
    runName: "credit-mini",
    analysisConfigUri: "analysis_config.json",
    dataset: { uri: "train.csv", s3DataType: "S3Prefix" },
    ...overrides,
  };
  await writeFile(join(input, "run.json"), JSON.stringify(runJson));
  return join(input, "run.json");
}

describe("run --local keeps every file inside the run's folders", () => {
  it("refuses an outputUri whose key climbs with `..`, and writes nothing where it points", async () => {
    // Prepare: enough `..` to reach the file system root from the embedded server's folder, then this workspace.
    const escaped = join(workspace, "escaped");
    const outputUri = `s3://local-artifacts/${"../".repeat(24)}${escaped.slice(1)}/`;
    const inputPath = await writeInput({ outputUri });
    const out = join(workspace, "out");

    // Act
    const result = await runCli(["run", "--local", "--input", inputPath, "--out", out]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: failed at ValidateConfig: ConfigValidationError: $.outputUri: ${JSON.stringify(outputUri).slice(0, 77)}...`,
    );
    expect(result.stderr).toContain('has a ".." segment in its key; outputUri may not use');
    expect(await filesUnder(workspace)).toEqual([
      "input/analysis_config.json",
      "input/run.json",
      "input/train.csv",
      "out/summary.json",
    ]);
  });

  it("refuses a dataset_uri in the analysis config whose key climbs with `..`", async () => {
    // Prepare
    const inputPath = await writeInput({
      analysisConfigUri: undefined,
      analysisConfig: {
        version: "1.0",
        dataset_type: "text/csv",
        dataset_uri: "s3://local-inputs/../local-artifacts/clarify-runs/other-run/input/dataset/train.csv",
        label: "Target",
        label_values_or_threshold: [1],
        facet: [{ name_or_index: "Sex", value_or_threshold: [0] }],
        methods: { pre_training_bias: { methods: ["CI"] } },
      },
      dataset: undefined,
    });

    // Act
    const result = await runCli(["run", "--local", "--input", inputPath, "--out", join(workspace, "out")]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("$.analysisConfig.dataset_uri: ");
    expect(result.stderr).toContain('has a ".." segment in its key; dataset_uri may not use');
  });
});

describe("run --local reads no S3 key outside the prefix a manifest names", () => {
  it("refuses a manifest whose prefix climbs with `..`, before reading anything under it", async () => {
    // Prepare
    const prefix = `s3://local-inputs/${"../".repeat(24)}${workspace.slice(1)}/secret/`;
    const inputPath = await writeInput({ dataset: { uri: "data.manifest", s3DataType: "ManifestFile" } });
    await writeFile(join(workspace, "input", "data.manifest"), JSON.stringify([{ prefix }, "train.csv"]));

    // Act
    const result = await runCli(["run", "--local", "--input", inputPath, "--out", join(workspace, "out")]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: failed at ValidateConfig: ConfigValidationError: $.dataset.uri: the manifest data.manifest names "${prefix}", whose key has a ".", ".." or empty segment; a manifest's prefix and keys must be plain names`,
    );
  });
});

describe("run --local reads only files inside run.json's folder, unless allowed", () => {
  it("refuses a dataset symlinked from outside, naming it and --allow-paths-outside-input", async () => {
    // Prepare: the dataset sits outside input/, and input/ holds a symlink to it.
    const inputPath = await writeInput({ dataset: { uri: "linked.csv", s3DataType: "S3Prefix" } });
    await mkdir(join(workspace, "elsewhere"));
    await copyFile(join(FIXTURE, "train.csv"), join(workspace, "elsewhere", "train.csv"));
    await symlink(join(workspace, "elsewhere", "train.csv"), join(workspace, "input", "linked.csv"));

    // Act
    const result = await runCli(["run", "--local", "--input", inputPath, "--out", join(workspace, "out")]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: $.dataset.uri: "linked.csv" resolves to ${join(workspace, "elsewhere", "train.csv")}, outside run.json's folder ${join(workspace, "input")}; move it into that folder, or pass --allow-paths-outside-input to allow paths outside it\n`,
    );
  });

  it("runs with a dataset outside run.json's folder when --allow-paths-outside-input is given", async () => {
    // Prepare
    await mkdir(join(workspace, "elsewhere"));
    await copyFile(join(FIXTURE, "train.csv"), join(workspace, "elsewhere", "train.csv"));
    const inputPath = await writeInput({
      dataset: { uri: "../elsewhere/train.csv", s3DataType: "S3Prefix" },
    });
    const out = join(workspace, "out");

    // Act
    const refused = await runCli(["run", "--local", "--input", inputPath, "--out", out]);
    const allowed = await runCli([
      "run",
      "--local",
      "--allow-paths-outside-input",
      "--input",
      inputPath,
      "--out",
      out,
    ]);

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('$.dataset.uri: "../elsewhere/train.csv" resolves to');
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain("succeeded: every bias gate passed");
  });
});
