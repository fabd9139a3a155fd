/**
 * Execution histories as GetExecutionHistory returns them (oldest first), for the
 * pipeline's real state names: built event by event so each test reads like the run.
 */
import type { HistoryEvent, HistoryEventType } from "@aws-sdk/client-sfn";

export const STATE_MACHINE_ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:ClarifyPipeline";
export const EXECUTION_ARN =
  "arn:aws:states:eu-west-1:123456789012:execution:ClarifyPipeline:credit-model-20261125T040347-00ff";
export const RUN_URI = "s3://my-bucket/clarify-runs/credit-model-credit-model-20261125T040347-00ff/";
export const SUMMARY_URI = `${RUN_URI}summary.json`;
export const REPORT_URI = `${RUN_URI}report.html`;
export const T0 = Date.parse("2026-11-25T04:03:47.000Z");

type Step = Omit<HistoryEvent, "id" | "previousEventId" | "timestamp"> & { readonly atMs: number };

/** Numbers the events 1, 2, 3... and dates them `atMs` after T0. */
export function history(steps: readonly Step[]): HistoryEvent[] {
  return steps.map(({ atMs, ...event }, index) => ({
    ...event,
    id: index + 1,
    previousEventId: index,
    timestamp: new Date(T0 + atMs),
  }));
}

export const started = (atMs = 0): Step => ({
  atMs,
  type: "ExecutionStarted",
  executionStartedEventDetails: { input: "{}", roleArn: "arn:aws:iam::123456789012:role/sfn" },
});
export const entered = (
  name: string,
  atMs: number,
  input = "{}",
  type: HistoryEventType = "TaskStateEntered",
): Step => ({
  atMs,
  type,
  stateEnteredEventDetails: { name, input },
});
export const exited = (name: string, atMs: number, type: HistoryEventType = "TaskStateExited"): Step => ({
  atMs,
  type,
  stateExitedEventDetails: { name, output: "{}" },
});
export const scheduled = (atMs: number): Step => ({
  atMs,
  type: "TaskScheduled",
  taskScheduledEventDetails: {
    resourceType: "lambda",
    resource: "invoke",
    region: "eu-west-1",
    parameters: "{}",
  },
});
export const taskStarted = (atMs: number): Step => ({
  atMs,
  type: "TaskStarted",
  taskStartedEventDetails: { resourceType: "lambda", resource: "invoke" },
});
export const taskSucceeded = (atMs: number, payload: unknown = {}): Step => ({
  atMs,
  type: "TaskSucceeded",
  taskSucceededEventDetails: {
    resourceType: "lambda",
    resource: "invoke",
    output: JSON.stringify({ StatusCode: 200, Payload: payload }),
  },
});
export const taskFailed = (atMs: number, error: string, cause = "{}"): Step => ({
  atMs,
  type: "TaskFailed",
  taskFailedEventDetails: { resourceType: "lambda", resource: "invoke", error, cause },
});

/** A Lambda task that succeeds on its first attempt. */
export const lambdaTask = (name: string, fromMs: number, toMs: number, payload: unknown = {}): Step[] => [
  entered(name, fromMs),
  scheduled(fromMs),
  taskStarted(fromMs + 1),
  taskSucceeded(toMs, payload),
  exited(name, toMs),
];

/** A successful run where StageInputs is retried once after Lambda throttling. */
export function succeededHistory(): HistoryEvent[] {
  return history([
    started(0),
    ...lambdaTask("ValidateConfig", 10, 40, { runUri: RUN_URI }),
    entered("StageInputs", 50),
    scheduled(50),
    taskStarted(51),
    taskFailed(80, "Lambda.TooManyRequestsException"),
    scheduled(2080),
    taskStarted(2081),
    taskSucceeded(2500),
    exited("StageInputs", 2500),
    ...lambdaTask("RunClarifyJob", 2510, 182_510),
    ...lambdaTask("CollectResults", 182_520, 183_020, {
      passed: true,
      summaryUri: SUMMARY_URI,
      reportUri: REPORT_URI,
    }),
    entered("GatePassed?", 183_030, "{}", "ChoiceStateEntered"),
    exited("GatePassed?", 183_030, "ChoiceStateExited"),
    entered("Succeeded", 183_040, "{}", "SucceedStateEntered"),
    exited("Succeeded", 183_040, "SucceedStateExited"),
    { atMs: 183_040, type: "ExecutionSucceeded", executionSucceededEventDetails: { output: "{}" } },
  ]);
}

/** ValidateConfig's error is caught; RecordFailure writes summary.json; the execution fails with the error. */
export function validationFailedHistory(): HistoryEvent[] {
  const cause = JSON.stringify({
    errorType: "ConfigValidationError",
    errorMessage: "$.job.instanceCount: 0 is out of range",
  });
  return history([
    started(0),
    entered("ValidateConfig", 10),
    scheduled(10),
    taskStarted(11),
    taskFailed(40, "ConfigValidationError", cause),
    exited("ValidateConfig", 40),
    ...lambdaTask("RecordFailure", 50, 300, {
      error: "ConfigValidationError",
      cause,
      summaryUri: SUMMARY_URI,
    }).map((step, index) =>
      index === 0
        ? entered(
            "RecordFailure",
            50,
            JSON.stringify({ failure: { ValidateConfig: { Error: "ConfigValidationError" } } }),
          )
        : step,
    ),
    entered("Failed", 310, "{}", "FailStateEntered"),
    {
      atMs: 310,
      type: "ExecutionFailed",
      executionFailedEventDetails: { error: "ConfigValidationError", cause },
    },
  ]);
}
