/**
 * `run --local` speaks of the files the user named in run.json, never of the internal
 * `s3://local-inputs/...` keys they were staged under.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";
import type { StagedLocalPath } from "../../local/stage-local-files.ts";
import { userPathsIn } from "../../local/user-paths.ts";

const FIXTURE = new URL("./fixtures/credit-mini/", import.meta.url).pathname;

const STAGED: readonly StagedLocalPath[] = [
  {
    field: "$.analysisConfigUri",
    localPath: "configs/analysis_config.json",
    absolutePath: "/work/configs/analysis_config.json",
    uri: "s3://local-inputs/exec-1/analysisConfigUri/analysis_config.json",
  },
  {
    field: "$.dataset.uri",
    localPath: "data/",
    absolutePath: "/work/data",
    uri: "s3://local-inputs/exec-1/dataset-uri/",
  },
];

describe("userPathsIn", () => {
  it.each([
    [
      "a staged file",
      "s3://local-inputs/exec-1/analysisConfigUri/analysis_config.json $.label: column",
      "configs/analysis_config.json $.label: column",
    ],
    [
      "a key under a staged folder",
      'column "Gender" is not in s3://local-inputs/exec-1/dataset-uri/part/b.csv (columns: A, B)',
      'column "Gender" is not in data/part/b.csv (columns: A, B)',
    ],
    [
      "the staged folder itself",
      "no S3 objects found under s3://local-inputs/exec-1/dataset-uri/ (input dataset)",
      "no S3 objects found under data/ (input dataset)",
    ],
    [
      "URIs the user wrote",
      "s3://my-bucket/dataset-uri/train.csv and s3://local-artifacts/clarify-runs/x/",
      "s3://my-bucket/dataset-uri/train.csv and s3://local-artifacts/clarify-runs/x/",
    ],
  ])("maps %s", (_case, text, expected) => {
    // Prepare / Act
    const mapped = userPathsIn(text, STAGED);
    // Assess
    expect(mapped).toBe(expected);
  });
});

describe("run --local messages", () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), "user-paths-"));
    await copyFile(join(FIXTURE, "train.csv"), join(workspace, "train.csv"));
    const config = JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const { headers: _headers, ...withoutHeaders } = config;
    await writeFile(
      join(workspace, "analysis_config.json"),
      JSON.stringify({ ...withoutHeaders, facet: [{ name_or_index: "Gender", value_or_threshold: [0] }] }),
    );
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it("name the user's config and dataset files, never the staged keys", async () => {
    // Prepare
    const input = join(workspace, "run.json");
    await writeFile(
      input,
      JSON.stringify({
        runName: "credit-mini",
        analysisConfigUri: "analysis_config.json",
        dataset: { uri: "train.csv", s3DataType: "S3Prefix" },
      }),
    );
    let stderr = "";

    // Act
    const code = await main(["run", "--local", "--input", input, "--out", join(workspace, "out")], {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
    });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error: failed at ValidateConfig: ConfigValidationError: analysis_config.json $.facet[0].name_or_index: column "Gender" is not in train.csv (columns: Target, Sex, Income, Age)\n',
    );
    expect(stderr).not.toContain("local-inputs");
  });
});
