/** Runs stopped by ValidateConfig: nothing is copied and no job is created. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectNoJobInProgress,
  FIXTURE,
  runFolderFiles,
  type ScenarioWorkspace,
  scenarioWorkspace,
  statesEntered,
} from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-validation");
});
afterAll(async () => {
  await workspace.close();
});

describe("an invalid run", () => {
  it("fails at ValidateConfig, lists every problem in summary.json, copies nothing and creates no job", async () => {
    // Prepare: three independent problems.
    const input = { job: { instanceType: "ml.p3.2xlarge", instanceCount: 0, maxRuntimeInSeconds: 700_000 } };

    // Act
    const report = await workspace.run(input);

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("ConfigValidationError");
    expect(report.execution.failedStep).toBe("ValidateConfig");
    expect(statesEntered(report)).toEqual(["ValidateConfig", "ValidationFailed", "RecordFailure", "Failed"]);
    const summary = report.summary as { problems: string[] };
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "ValidateConfig",
      error: "ConfigValidationError",
    });
    expect(summary.problems).toHaveLength(3);
    expect(summary.problems).toEqual([
      expect.stringMatching(/^\$\.job\.instanceType: ml\.p3\.2xlarge .*GPU/),
      expect.stringMatching(/^\$\.job\.instanceCount: 0 /),
      expect.stringMatching(/^\$\.job\.maxRuntimeInSeconds: 700000 .*604800/),
    ]);
    expect(await runFolderFiles(report)).toEqual(["summary.json"]);
    expect(report.sageMakerCalls.createProcessingJob).toBe(0);
    expect(report.jobs).toEqual([]);
    expectNoJobInProgress(report);
  });

  it("is caught by the pre-flight header check when a referenced column is not in the dataset", async () => {
    // Prepare: the facet names a column the CSV header does not have.
    const config = JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const input = {
      analysisConfigUri: undefined,
      analysisConfig: {
        ...config,
        headers: undefined,
        facet: [{ name_or_index: "Gender", value_or_threshold: [0] }],
      },
    };

    // Act
    const report = await workspace.run(input);

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("ConfigValidationError");
    expect(report.execution.failedStep).toBe("ValidateConfig");
    expect(report.message).toContain("Gender");
    const summary = report.summary as { problems: string[] };
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "ValidateConfig",
      error: "ConfigValidationError",
    });
    expect(summary.problems).toEqual([
      expect.stringMatching(
        /^\$\.analysisConfig\.facet\[0\]\.name_or_index: column "Gender" is not in s3:\/\/.*train\.csv \(columns: Target, Sex, Income, Age\)$/,
      ),
    ]);
    expect(await runFolderFiles(report)).toEqual(["summary.json"]);
    expect(report.sageMakerCalls.createProcessingJob).toBe(0);
    expect(report.jobs).toEqual([]);
    expectNoJobInProgress(report);
  });

  it.each([
    ["an array", [1, 2]],
    ["a string", "hello"],
    ["null", null],
  ])("that is %s, not a JSON object, is recorded like any other invalid input", async (_what, input) => {
    // Act
    const report = await workspace.runRaw(input);

    // Assess: recorded in the deployment's own prefix, under the execution's name.
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("ConfigValidationError");
    expect(report.execution.failedStep).toBe("ValidateConfig");
    expect(statesEntered(report)).toEqual(["ValidateConfig", "ValidationFailed", "RecordFailure", "Failed"]);
    expect(report.runUri).toBe(`s3://local-artifacts/clarify-runs/${report.execution.executionName}/`);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "ValidateConfig",
      error: "ConfigValidationError",
      problems: [expect.stringMatching(/^\$: .*object/)],
    });
    expect(await runFolderFiles(report)).toEqual(["summary.json"]);
    expect(report.sageMakerCalls.createProcessingJob).toBe(0);
  });
});
