/** The CLI as a user runs it: a real process, a real Ctrl-C, a real exit code. */
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { killRemainingClis, spawnCli } from "../support/cli-process.ts";
import { FIXTURE, type ScenarioWorkspace, scenarioWorkspace } from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-cli");
});
afterEach(() => {
  killRemainingClis();
});
afterAll(async () => {
  await workspace.close();
});

async function readSummary(folder: string): Promise<unknown> {
  return JSON.parse(await readFile(join(folder, "summary.json"), "utf8"));
}

describe("clarify-pipeline run --local, as a process", () => {
  it("on Ctrl-C during the job: stops the job, records the abort and exits 1", async () => {
    // Prepare
    const input = await workspace.writeRunJson("abort.json");
    const out = join(workspace.root, "abort");
    const cli = spawnCli(["run", "--local", "--input", input, "--out", out], "hang");
    await cli.waitForStderr("faulty container started: hang");

    // Act
    cli.child.kill("SIGINT");
    const code = await cli.exited;

    // Assess
    expect(code).toBe(1);
    expect(cli.stderr()).toContain("interrupted: stopping the execution and its processing job");
    expect(cli.stderr()).toContain(
      "aborted: the run was aborted; any processing job still running was stopped",
    );
    expect(cli.stderr()).not.toContain("still in progress");
    expect(await readSummary(out)).toMatchObject({
      status: "ABORTED",
      abortedInState: "RunClarifyJob",
      jobs: [{ name: expect.stringMatching(/^clarify-credit-mini-/), status: "Stopped" }],
    });
  });

  it("when the job fails: exits 1 and the failure record keeps its reason, name and status", async () => {
    // Prepare
    const input = await workspace.writeRunJson("job-failed.json");
    const out = join(workspace.root, "job-failed");

    // Act
    const cli = spawnCli(
      ["run", "--local", "--input", input, "--out", out],
      "fail:disk full while writing /opt/ml/processing/output",
    );
    const code = await cli.exited;

    // Assess
    expect(code).toBe(1);
    expect(cli.stderr()).toMatch(
      /error: failed at RunClarifyJob: States\.TaskFailed: processing job clarify-credit-mini-\S+ Failed: AlgorithmError: disk full while writing \/opt\/ml\/processing\/output/,
    );
    expect(cli.stderr()).not.toMatch(/\n\s+at /);
    expect(cli.stderr()).not.toContain("still in progress");
    expect(await readSummary(out)).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: "States.TaskFailed",
      job: {
        name: expect.stringMatching(/^clarify-credit-mini-/),
        status: "Failed",
        failureReason: "AlgorithmError: disk full while writing /opt/ml/processing/output",
      },
    });
  });

  it("on SIGTERM: does what Ctrl-C does and leaves no temporary folder behind", async () => {
    // Prepare
    const input = await workspace.writeRunJson("sigterm.json");
    const out = join(workspace.root, "sigterm");
    const tmp = join(workspace.root, "sigterm-tmp");
    await mkdir(tmp);
    const cli = spawnCli(["run", "--local", "--input", input, "--out", out], "hang", { TMPDIR: tmp });
    await cli.waitForStderr("faulty container started: hang");

    // Act
    cli.child.kill("SIGTERM");
    const code = await cli.exited;

    // Assess
    expect(code).toBe(1);
    expect(cli.stderr()).toContain(
      "aborted: the run was aborted; any processing job still running was stopped",
    );
    expect(await readSummary(out)).toMatchObject({
      status: "ABORTED",
      abortedInState: "RunClarifyJob",
      jobs: [{ status: "Stopped" }],
    });
    expect(await readdir(tmp)).toEqual([]);
  });

  it("on Ctrl-C while the engine computes: stops its process before it finishes and records the abort", async () => {
    // Prepare: a dataset the engine needs seconds for, run by the real container (a child process).
    const dataset = join(workspace.root, "large.csv");
    await writeLargeDataset(dataset, 2_500_000);
    const input = join(workspace.root, "large.json");
    const runJson = JSON.parse(await readFile(join(FIXTURE, "run.json"), "utf8")) as Record<string, unknown>;
    await copyFile(join(FIXTURE, "analysis_config.json"), join(workspace.root, "large_config.json"));
    await writeFile(
      input,
      JSON.stringify({
        ...runJson,
        analysisConfigUri: "large_config.json",
        dataset: { uri: "large.csv", s3DataType: "S3Prefix" },
      }),
    );
    const out = join(workspace.root, "large");
    const tmp = join(workspace.root, "large-tmp");
    await mkdir(tmp);
    const cli = spawnCli(["run", "--local", "--input", input, "--out", out], undefined, { TMPDIR: tmp });
    await cli.waitForStderr("job: computing the analysis");

    // Act
    const interruptedAt = performance.now();
    cli.child.kill("SIGINT");
    await cli.waitForStderr("interrupted:");
    const heardAt = performance.now();
    const code = await cli.exited;
    const exitedAt = performance.now();

    // Assess: the engine never reported its result, the job was stopped, nothing was left behind.
    // The figures are printed, not asserted (the exit includes copying the 45 MB run folder out).
    console.log(
      `Ctrl-C while the engine computes 2.5 M rows: heard after ${((heardAt - interruptedAt) / 1000).toFixed(2)} s, exit after ${((exitedAt - interruptedAt) / 1000).toFixed(2)} s`,
    );
    expect(code).toBe(1);
    expect(cli.stderr()).not.toContain("job: analysed");
    expect(await readSummary(out)).toMatchObject({
      status: "ABORTED",
      abortedInState: "RunClarifyJob",
      jobs: [{ status: "Stopped" }],
    });
    expect(await readdir(tmp)).toEqual([]);
  });
});

/** The fixture's columns (Target, Sex, Income, Age), `rows` rows of a fixed pattern. */
async function writeLargeDataset(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write("Target,Sex,Income,Age\n");
  const chunk = 50_000;
  for (let start = 0; start < rows; start += chunk) {
    let text = "";
    for (let i = start; i < Math.min(rows, start + chunk); i++) {
      text += `${i % 3 === 0 ? 1 : 0},${i % 2},${20_000 + (i % 977) * 31},${18 + (i % 60)}\n`;
    }
    if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  out.end();
  await finished(out);
}
