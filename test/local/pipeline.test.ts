/**
 * The real definition executed end to end: interpreter, real step cores, embedded S3,
 * processing emulator and the local Clarify engine.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalRunOptions } from "../../local/local-run.ts";
import { eventsOf, type ScenarioWorkspace, scenarioWorkspace } from "./support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("pipeline-test");
});
afterAll(async () => {
  await workspace.close();
});

const run: ScenarioWorkspace["run"] = (overrides, options) => workspace.run(overrides, options);

describe("the local pipeline", () => {
  it("succeeds when every gate passes, and leaves the whole run folder", async () => {
    // Prepare
    const input = {};

    // Act
    const report = await run(input);

    // Assess
    expect(report.execution.status).toBe("SUCCEEDED");
    expect(report.verdict).toBe("succeeded");
    expect(report.execution.stateTransitions).toBe(6);
    expect(report.summary).toMatchObject({ status: "Succeeded", breaches: [] });
    for (const file of [
      "run.json",
      "input/analysis_config.json",
      "input/dataset/train.csv",
      "output/analysis.json",
      "output/analysis_context.json",
      "output/intervals.json",
      "output/report.html",
      "report.html",
      "summary.json",
    ]) {
      expect((await stat(join(report.resultsDirectory ?? "", file))).isFile()).toBe(true);
    }
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expect(report.log.some((line) => line.includes("✓ RunClarifyJob"))).toBe(true);
  });

  it("fails with BiasGateFailed when a gate breaks, and summary.json says which", async () => {
    // Prepare
    const input = { gates: { CI: { absMax: 0.5 }, DPL: { absMax: 0.000001 } } };

    // Act
    const report = await run(input);

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("BiasGateFailed");
    expect(report.verdict).toBe("bias-gate-failed");
    expect(report.summary).toMatchObject({
      status: "BiasGateFailed",
      breaches: [expect.objectContaining({ metric: "DPL" })],
    });
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
  });

  it("records the failure when the processing job fails", async () => {
    // Prepare
    const faults = { container: [{ error: "AlgorithmError", message: "the container ran out of memory" }] };

    // Act
    const report = await run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("States.TaskFailed");
    expect(report.execution.failedStep).toBe("RunClarifyJob");
    expect(report.verdict).toBe("failed");
    expect(report.message).toContain("failed at RunClarifyJob: States.TaskFailed");
    expect(report.message).toContain("the container ran out of memory");
    expect(eventsOf(report, "StateEntered", "RecordFailure").length).toBe(1);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: "States.TaskFailed",
    });
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Failed"]);
  });

  it("stops the job exactly once when RunClarifyJob times out at the run's timeoutSeconds", async () => {
    // Prepare: timeoutSeconds = 1 s max runtime + 1 s margin; the job never leaves provisioning.
    const input = { job: { maxRuntimeInSeconds: 1 } };
    const options = { settings: { timeoutMarginSeconds: 1 }, provisioningSeconds: 1_000_000 };

    // Act
    const startedAt = Date.now();
    const report = await run(input, options);
    const elapsedMs = Date.now() - startedAt;

    // Assess
    const timedOut = report.execution.events.find((e) => e.type === "StateFailed") as {
      Error: string;
      state: { name: string };
    };
    expect(timedOut).toMatchObject({ Error: "States.Timeout", state: { name: "RunClarifyJob" } });
    expect(elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(eventsOf(report, "StateEntered", "StopClarifyJob").length).toBe(1);
    expect(report.sageMakerCalls.stopProcessingJob).toBe(1);
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Stopped"]);
    expect(report.execution.error).toBe("States.Timeout");
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: "States.Timeout",
    });
  });

  it("aborts on request: stops the job and records the abort", async () => {
    // Prepare
    const abort = new AbortController();
    const options: Partial<LocalRunOptions> = {
      provisioningSeconds: 1_000_000,
      signal: abort.signal,
      log: (line) => {
        if (line.includes("→ RunClarifyJob")) setTimeout(() => abort.abort(), 50);
      },
    };

    // Act
    const report = await run({}, options);

    // Assess
    expect(report.execution.status).toBe("ABORTED");
    expect(report.verdict).toBe("aborted");
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Stopped"]);
    // The run it belonged to, as the deployed pipeline's abort record names it.
    const runId = report.runUri?.replace(/\/$/, "").split("/").pop();
    expect(runId).toBeTruthy();
    expect(report.summary).toMatchObject({
      status: "ABORTED",
      runId,
      runName: "credit-mini", // the fixture's run.json
      abortedInState: "RunClarifyJob",
    });
  });

  it("fails at ValidateConfig with the problem named, before any job", async () => {
    // Prepare
    const input = { job: { instanceType: "ml.p3.2xlarge" } };

    // Act
    const report = await run(input);

    // Assess
    expect(report.execution.failedStep).toBe("ValidateConfig");
    expect(report.execution.error).toBe("ConfigValidationError");
    expect(report.message).toMatch(/failed at ValidateConfig: ConfigValidationError: .*instanceType/);
    expect(report.jobs).toEqual([]);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "ValidateConfig",
      error: "ConfigValidationError",
    });
  });
});
