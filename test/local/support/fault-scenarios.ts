/**
 * Fault scenarios shared by their own tests and by the mutation guard
 * (test/local/faults/mutation-guard.test.ts), which runs them against a definition with a
 * Catch or Retry removed and checks that the same assessment then fails.
 */
import { expect } from "vitest";
import type { LocalRunOptions } from "../../../local/local-run.ts";
import { attempts, eventsOf, expectNoJobInProgress, type ScenarioReport, statesEntered } from "./scenario.ts";

export interface FaultScenario {
  /** run.json overrides. */
  readonly input: Record<string, unknown>;
  readonly options: Partial<LocalRunOptions>;
  /** The expectations the scenario's test makes; throws when one fails. */
  readonly assess: (report: ScenarioReport) => void;
}

/**
 * SageMaker errors as Step Functions names them, from AWS's own sources (never invented here):
 * - `createProcessingJob.sync` (optimized integration, Java SDK v1 classes): throttling surfaces as
 *   the base class `SageMaker.AmazonSageMakerException` ("Rate exceeded"), quotas as
 *   `SageMaker.ResourceLimitExceededException`. Source: the AWS Step Functions Developer Guide,
 *   "Manage SageMaker with Step Functions" (awsdocs/aws-step-functions-developer-guide,
 *   doc_source/connect-sagemaker.md, training-job example: Retry on exactly these two names), and
 *   the Step Functions Data Science SDK examples, which retry SageMaker throttling as
 *   `SageMaker.AmazonSageMakerException`. The Java SDK v1 reference documents
 *   `ResourceLimitExceededException extends AmazonSageMakerException`.
 * - `aws-sdk:sagemaker:stopProcessingJob` (AWS SDK integration): `<Service>.<Exception>` of the
 *   SDK v2 classes (doc_source/supported-services-awssdk.md). SageMaker's model names neither
 *   ThrottlingException nor ValidationException, so both surface as `SageMaker.SageMakerException`
 *   and only the cause (with the error code) tells them apart.
 */
export const THROTTLED = {
  error: "SageMaker.AmazonSageMakerException",
  message:
    "Rate exceeded (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException; Request ID: 5d1e1b1c-0000-4000-8000-000000000001)",
};
export const QUOTA_ERROR = "SageMaker.ResourceLimitExceededException";
/** Throttling as any `aws-sdk:sagemaker:*` Task reports it (stopProcessingJob, createModel, …). */
export const SDK_THROTTLED = {
  error: "SageMaker.SageMakerException",
  message:
    "Rate exceeded (Service: SageMaker, Status Code: 400, Request ID: 5d1e1b1c-0000-4000-8000-000000000002)",
};
export const STOP_THROTTLED = SDK_THROTTLED;
export const STOP_ALREADY_STOPPED = {
  error: "SageMaker.SageMakerException",
  message:
    "The request was rejected because the processing job is in status Stopped. (Service: SageMaker, Status Code: 400, Request ID: 5d1e1b1c-0000-4000-8000-000000000003)",
};
const LAMBDA_SERVICE_ERROR = { error: "Lambda.ServiceException", message: "Lambda service unavailable" };

/** CreateProcessingJob throttled twice, then accepted: retried, and the run succeeds. */
export const THROTTLED_TWICE: FaultScenario = {
  input: {},
  options: { faults: { createProcessingJob: [THROTTLED, THROTTLED] } },
  assess: (report) => {
    expect(report.execution.status).toBe("SUCCEEDED");
    expect(report.execution.error).toBeUndefined();
    expect(report.sageMakerCalls.createProcessingJob).toBe(3);
    expect(attempts(report, "RunClarifyJob")).toBe(3);
    expect(eventsOf(report, "StateRetried", "RunClarifyJob")).toHaveLength(2);
    expect(report.log.filter((line) => line.includes("↻ RunClarifyJob retried"))).toHaveLength(2);
    expect(report.summary).toMatchObject({ status: "Succeeded", breaches: [] });
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expectNoJobInProgress(report);
  },
};

/** The state timeout (1 s MaxRuntime + 0 s margin) elapses while the job is still provisioning. */
export const STATE_TIMEOUT_WHILE_IN_PROGRESS: FaultScenario = {
  input: { job: { maxRuntimeInSeconds: 1 } },
  options: { settings: { timeoutMarginSeconds: 0 }, provisioningSeconds: 1_000_000 },
  assess: (report) => {
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("States.Timeout");
    expect(eventsOf(report, "StateFailed", "RunClarifyJob")).toMatchObject([{ Error: "States.Timeout" }]);
    expect(statesEntered(report).slice(-4)).toEqual([
      "RunClarifyJob",
      "StopClarifyJob",
      "RecordFailure",
      "Failed",
    ]);
    expect(report.sageMakerCalls.stopProcessingJob).toBe(1);
    expect(report.summary).toMatchObject({
      status: "Failed",
      failedStep: "RunClarifyJob",
      error: "States.Timeout",
      timedOut: true,
      timeoutMessage: expect.stringContaining("(state timeout 1s) and was stopped"),
      job: { status: "Stopped" },
    });
    expect(report.summary).not.toHaveProperty("stopFailure");
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Stopped"]);
    expectNoJobInProgress(report);
  },
};

/** StageInputs hits Lambda.ServiceException twice: retried, and the run succeeds. */
export const LAMBDA_TRANSIENT_TWICE: FaultScenario = {
  input: {},
  options: { faults: { lambda: { StageInputs: [LAMBDA_SERVICE_ERROR, LAMBDA_SERVICE_ERROR] } } },
  assess: (report) => {
    expect(report.execution.status).toBe("SUCCEEDED");
    expect(report.execution.error).toBeUndefined();
    expect(attempts(report, "StageInputs")).toBe(3);
    expect(eventsOf(report, "StateRetried", "StageInputs")).toHaveLength(2);
    expect(report.summary).toMatchObject({ status: "Succeeded" });
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["Completed"]);
    expectNoJobInProgress(report);
  },
};

/** StopClarifyJob refused because the job is already stopped (a permanent error): recorded, never retried. */
export const STOP_REFUSED_PERMANENTLY: FaultScenario = {
  input: STATE_TIMEOUT_WHILE_IN_PROGRESS.input,
  options: {
    ...STATE_TIMEOUT_WHILE_IN_PROGRESS.options,
    faults: { stopProcessingJob: [STOP_ALREADY_STOPPED] },
  },
  assess: (report) => {
    expect(report.execution.error).toBe("States.Timeout");
    expect(report.sageMakerCalls.stopProcessingJob).toBe(1);
    expect(report.summary).toMatchObject({
      error: "States.Timeout",
      stopFailure: { error: "SageMaker.SageMakerException", cause: STOP_ALREADY_STOPPED.message },
    });
  },
};
