/** CreateProcessingJob refused by SageMaker: throttling is retried through; a quota is not. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUOTA_ERROR, THROTTLED_TWICE } from "../support/fault-scenarios.ts";
import {
  eventsOf,
  expectNoJobInProgress,
  retrierOf,
  type ScenarioWorkspace,
  scenarioWorkspace,
} from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-job-creation");
});
afterAll(async () => {
  await workspace.close();
});

const QUOTA = {
  error: QUOTA_ERROR,
  message:
    "The account-level service limit 'ml.c5.xlarge for processing job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota.",
};

describe("job creation", () => {
  it("is retried with backoff when throttled twice, and the run then succeeds", async () => {
    // Prepare
    const { input, options, assess } = THROTTLED_TWICE;

    // Act
    const report = await workspace.run(input, options);

    // Assess
    assess(report);
  });

  it("fails after the retry budget when a quota refuses every attempt, saying which limit and what to do", async () => {
    // Prepare
    const { MaxAttempts } = await retrierOf("RunClarifyJob", QUOTA_ERROR);
    const faults = { createProcessingJob: Array.from({ length: MaxAttempts + 5 }, () => QUOTA) };

    // Act
    const report = await workspace.run({}, { faults });

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe(QUOTA_ERROR);
    expect(report.execution.failedStep).toBe("RunClarifyJob");
    expect(report.sageMakerCalls.createProcessingJob).toBe(1 + MaxAttempts);
    expect(eventsOf(report, "StateRetried", "RunClarifyJob")).toHaveLength(MaxAttempts);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: QUOTA_ERROR,
      cause: QUOTA.message,
      job: { status: "NotCreated" },
      hint: expect.stringMatching(
        /account quota.*"ml\.c5\.xlarge for processing job usage" quota in Service Quotas.*another job\.instanceType/,
      ),
    });
    expect(report.message).toMatch(/\nhint: SageMaker refused to create the job because an account quota/);
    expect(report.jobs).toEqual([]);
    expectNoJobInProgress(report);
  });
});
