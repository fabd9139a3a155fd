/** A job that was created but did not complete: Failed, stopped at its MaxRuntime, or outlived the state timeout. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATE_TIMEOUT_WHILE_IN_PROGRESS } from "../support/fault-scenarios.ts";
import {
  attempts,
  expectNoJobInProgress,
  FIXTURE,
  runFolderFiles,
  type ScenarioWorkspace,
  scenarioWorkspace,
  statesEntered,
} from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-job-outcome");
});
afterAll(async () => {
  await workspace.close();
});

describe("a processing job that does not complete", () => {
  it("ends Failed when the engine refuses the analysis: its message file's line is the FailureReason summary.json shows", async () => {
    // Prepare: a config the Clarify rules accept and the engine cannot compute (SHAP without a local model).
    const config = JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8"));
    const configPath = join(workspace.root, "shap_config.json");
    await writeFile(
      configPath,
      JSON.stringify({
        ...config,
        // A bias method beside it: the run's gates need one.
        methods: { ...config.methods, shap: { num_samples: 5 } },
        predictor: { model_name: "credit-model", instance_type: "ml.m5.xlarge", initial_instance_count: 1 },
      }),
    );

    // Act
    const report = await workspace.run({ analysisConfigUri: configPath });

    // Assess
    expect(report.verdict).toBe("failed");
    const job = (report.summary as { job: Record<string, string> }).job;
    expect(job).toMatchObject({ status: "Failed" });
    expect(job.failureReason).toMatch(/^ClientError: methods\.shap needs /);
    expect(report.jobs[0]?.ExitMessage).toBe(job.failureReason);
    expectNoJobInProgress(report);
  });

  it("ends Failed: RecordFailure keeps its FailureReason, name and status", async () => {
    // Prepare
    const faults = {
      container: [{ error: "AlgorithmError", message: "MemoryError: cannot allocate 12 GiB" }],
    };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    const [job] = report.jobs;
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("States.TaskFailed");
    expect(report.execution.failedStep).toBe("RunClarifyJob");
    expect(attempts(report, "RunClarifyJob")).toBe(1);
    expect(report.verdict).toBe("failed");
    expect(report.message).toContain(
      `processing job ${job?.ProcessingJobName} Failed: AlgorithmError: MemoryError: cannot allocate 12 GiB`,
    );
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: "States.TaskFailed",
      cause: "AlgorithmError: MemoryError: cannot allocate 12 GiB",
      job: {
        name: job?.ProcessingJobName,
        status: "Failed",
        failureReason: "AlgorithmError: MemoryError: cannot allocate 12 GiB",
      },
    });
    expect(report.summary).not.toHaveProperty("hint");
    expect(await runFolderFiles(report)).not.toContain("output/analysis.json");
    expect(report.jobs.map((candidate) => candidate.ProcessingJobStatus)).toEqual(["Failed"]);
    expectNoJobInProgress(report);
  });

  it("reaches MaxRuntimeInSeconds: Stopped with no output, and the run says the runtime limit was hit", async () => {
    // Prepare: the container never finishes; 60 emulated seconds of runtime pass in 60 ms.
    const input = { job: { maxRuntimeInSeconds: 60 } };
    const faults = { container: [{ hangs: true as const }] };

    // Act
    const report = await workspace.run(input, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("States.TaskFailed");
    expect(report.execution.failedStep).toBe("RunClarifyJob");
    expect(report.sageMakerCalls.stopProcessingJob).toBe(0);
    expect(statesEntered(report)).not.toContain("StopClarifyJob");
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: "States.TaskFailed",
      job: { status: "Stopped", failureReason: expect.stringContaining("maximum runtime of 60 seconds") },
      hint: expect.stringMatching(
        /reached its MaxRuntimeInSeconds \(60s\).*no output.*raise job\.maxRuntimeInSeconds \(Clarify processing jobs are capped at 604800 s, 7 days\)/,
      ),
    });
    expect(report.summary).not.toHaveProperty("timedOut");
    expect(report.message).toContain("hint: the job reached its MaxRuntimeInSeconds (60s)");
    expect((await runFolderFiles(report)).filter((file) => file.startsWith("output/"))).toEqual([]);
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Stopped"]);
    expectNoJobInProgress(report);
  });

  it("outlives the state timeout: StopProcessingJob is called exactly once and the job ends Stopped", async () => {
    // Prepare: the job never leaves provisioning; the state times out after 1 s.
    const { input, options, assess } = STATE_TIMEOUT_WHILE_IN_PROGRESS;

    // Act
    const report = await workspace.run(input, options);

    // Assess
    assess(report);
  });
});
