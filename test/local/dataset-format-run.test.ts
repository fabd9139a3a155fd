/**
 * `run --local` names a dataset file Clarify cannot read: the pre-flight (a ranged GET of the
 * first object, through the embedded S3) for the first file, the engine inside the emulated
 * job for any later file of a dataset folder.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";
import { CLARIFY_READABLE } from "../../contracts/dataset-format.ts";

const FIXTURE = new URL("./fixtures/credit-mini/", import.meta.url).pathname;
const GZIP_PROBLEM = `is gzip-compressed; ${CLARIFY_READABLE}: decompress it first (gunzip)`;
let workspace: string;

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), "dataset-format-run-"));
  await copyFile(join(FIXTURE, "analysis_config.json"), join(workspace, "analysis_config.json"));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function runLocal(datasetUri: string): Promise<{ code: number; stderr: string }> {
  const input = join(workspace, "run.json");
  await writeFile(
    input,
    JSON.stringify({
      runName: "credit-mini",
      analysisConfigUri: "analysis_config.json",
      dataset: { uri: datasetUri, s3DataType: "S3Prefix" },
    }),
  );
  let stderr = "";
  const code = await main(["run", "--local", "--input", input, "--out", join(workspace, "out")], {
    stdout: () => undefined,
    stderr: (text) => (stderr += text),
  });
  return { code, stderr };
}

describe("run --local with a dataset file Clarify cannot read", () => {
  it("fails at ValidateConfig when the first file is gzip-compressed, saying so", async () => {
    // Prepare
    const csv = await readFile(join(FIXTURE, "train.csv"));
    await writeFile(join(workspace, "train.csv.gz"), gzipSync(csv));

    // Act
    const result = await runLocal("train.csv.gz");

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `error: failed at ValidateConfig: ConfigValidationError: \\$\\.dataset\\.uri: \\S+ ${escapeRegExp(GZIP_PROBLEM)}`,
      ),
    );
  });

  it("fails in the job when a later file of the dataset folder is gzip-compressed, saying so", async () => {
    // Prepare: the pre-flight samples the first file only, which is fine.
    const csv = await readFile(join(FIXTURE, "train.csv"));
    await mkdir(join(workspace, "data"));
    await writeFile(join(workspace, "data", "a.csv"), csv);
    await writeFile(join(workspace, "data", "b.csv.gz"), gzipSync(csv));

    // Act
    const result = await runLocal("data");

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: failed at RunClarifyJob");
    expect(result.stderr).toContain(`b.csv.gz ${GZIP_PROBLEM}`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
