/** A job that completed without a usable analysis.json: CollectResults fails clearly and deletes nothing. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attempts,
  expectNoJobInProgress,
  runFolderFiles,
  type ScenarioWorkspace,
  scenarioWorkspace,
} from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-analysis");
});
afterAll(async () => {
  await workspace.close();
});

/** What the run folder keeps whatever CollectResults finds. */
const INPUTS = ["input/analysis_config.json", "input/dataset/train.csv", "run.json"];

describe("CollectResults", () => {
  it("fails with AnalysisResultError naming the URI when the job wrote no analysis.json", async () => {
    // Prepare
    const faults = { container: [{ exitsWithoutOutput: true as const }] };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("AnalysisResultError");
    expect(report.execution.failedStep).toBe("CollectResults");
    expect(attempts(report, "CollectResults")).toBe(1);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "CollectResults",
      error: "AnalysisResultError",
      cause: expect.stringMatching(
        /^analysis\.json not found at s3:\/\/local-artifacts\/clarify-runs\/credit-mini-local-[^/]+\/output\/analysis\.json: the job wrote no analysis result \(and no partial counts in output\/partial\/\)$/,
      ),
      job: { status: "Completed" },
    });
    expect(await runFolderFiles(report)).toEqual([...INPUTS, "summary.json"].sort());
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expectNoJobInProgress(report);
  });

  it("fails with AnalysisResultError naming the URI when analysis.json is corrupt, keeping what was produced", async () => {
    // Prepare: the upload was cut short.
    const faults = {
      container: [{ overwrites: { "output/analysis.json": '{"version": "1.0", "pre_training_bias' } }],
    };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("AnalysisResultError");
    expect(report.execution.failedStep).toBe("CollectResults");
    expect(attempts(report, "CollectResults")).toBe(1);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "CollectResults",
      error: "AnalysisResultError",
      cause: expect.stringMatching(
        /^s3:\/\/local-artifacts\/clarify-runs\/credit-mini-local-[^/]+\/output\/analysis\.json is not valid JSON: /,
      ),
    });
    expect(await runFolderFiles(report)).toEqual(
      [
        ...INPUTS,
        "output/analysis.json",
        "output/analysis_context.json",
        "output/intervals.json",
        "output/report.html",
        "summary.json",
      ].sort(),
    );
    expectNoJobInProgress(report);
  });
});
