/** The CLI as a user runs it: a real process, a real Ctrl-C, a real exit code. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { killRemainingClis, spawnCli } from "../support/cli-process.ts";
import { type ScenarioWorkspace, scenarioWorkspace } from "../support/scenario.ts";

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
});
