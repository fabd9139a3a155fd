import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import {
  EXECUTION_ARN,
  entered,
  history,
  lambdaTask,
  REPORT_URI,
  SUMMARY_URI,
  scheduled,
  started,
  succeededHistory,
  T0,
  taskStarted,
  validationFailedHistory,
} from "./history-fixtures.ts";

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

const STARTED = new Date(T0);
const STOPPED = new Date(T0 + 183_040);

async function cli(args: readonly string[]) {
  let stdout = "";
  let stderr = "";
  const regions: string[] = [];
  const code = await main(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    createSfnClient: (region) => {
      regions.push(region);
      return new SFNClient({ region, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    },
  });
  return { code, stdout, stderr, regions };
}

/** The newest events first, as GetExecutionHistory returns them with reverseOrder. */
function newestFirst(events: ReturnType<typeof history>, count = 25) {
  return { events: [...events].reverse().slice(0, count) };
}

describe("clarify-pipeline status", () => {
  it("shows a running execution's state from its newest events, with the exact requests", async () => {
    // Prepare
    const events = history([
      started(0),
      ...lambdaTask("ValidateConfig", 10, 40),
      entered("StageInputs", 50),
      scheduled(50),
      taskStarted(51),
    ]);
    sfn.on(DescribeExecutionCommand).resolves({ status: "RUNNING", startDate: STARTED });
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(events));

    // Act
    const result = await cli(["status", EXECUTION_ARN]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `execution: ${EXECUTION_ARN}\nstatus: RUNNING\nstate: StageInputs\nstarted: 2026-11-25T04:03:47.000Z\n`,
    );
    expect(result.regions).toEqual(["eu-west-1"]);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN },
    ]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN, reverseOrder: true, maxResults: 25, includeExecutionData: true },
    ]);
  });

  it("shows a succeeded execution's verdict and summary.json", async () => {
    // Prepare
    const output = JSON.stringify({
      verdict: { message: "all 1 gates passed (2 metric values checked)", summaryUri: SUMMARY_URI },
    });
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: "SUCCEEDED", startDate: STARTED, stopDate: STOPPED, output });
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(succeededHistory()));

    // Act
    const result = await cli(["status", EXECUTION_ARN]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `execution: ${EXECUTION_ARN}`,
        "status: SUCCEEDED",
        "started: 2026-11-25T04:03:47.000Z",
        "stopped: 2026-11-25T04:06:50.040Z",
        "succeeded: every bias gate passed: all 1 gates passed (2 metric values checked)",
        `summary: ${SUMMARY_URI}`,
        `report: ${REPORT_URI}`,
        "",
      ].join("\n"),
    );
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN },
    ]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN, reverseOrder: true, maxResults: 25, includeExecutionData: true },
    ]);
  });

  it("names no report when CollectResults wrote none (its report could not be rendered)", async () => {
    // Prepare: CollectResults' result carries summary.json's location and no reportUri
    const events = history([
      started(0),
      ...lambdaTask("CollectResults", 10, 500, { passed: true, summaryUri: SUMMARY_URI }),
      entered("Succeeded", 510, "{}", "SucceedStateEntered"),
      { atMs: 510, type: "ExecutionSucceeded", executionSucceededEventDetails: { output: "{}" } },
    ]);
    sfn.on(DescribeExecutionCommand).resolves({ status: "SUCCEEDED", startDate: STARTED, output: "{}" });
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(events));

    // Act
    const result = await cli(["status", EXECUTION_ARN]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `execution: ${EXECUTION_ARN}`,
        "status: SUCCEEDED",
        "started: 2026-11-25T04:03:47.000Z",
        "succeeded: every bias gate passed",
        `summary: ${SUMMARY_URI}`,
        "",
      ].join("\n"),
    );
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN, reverseOrder: true, maxResults: 25, includeExecutionData: true },
    ]);
  });

  it("shows a failed execution's step, error and cause, and still exits 0", async () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: "ConfigValidationError",
      errorMessage: "$.job.instanceCount: 0 is out of range",
    });
    sfn.on(DescribeExecutionCommand).resolves({
      status: "FAILED",
      startDate: STARTED,
      stopDate: new Date(T0 + 310),
      error: "ConfigValidationError",
      cause,
    });
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(validationFailedHistory(), 8));

    // Act
    const result = await cli(["status", EXECUTION_ARN]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `status: FAILED\nstarted: 2026-11-25T04:03:47.000Z\nstopped: 2026-11-25T04:03:47.310Z\nerror: failed at ValidateConfig: ConfigValidationError: $.job.instanceCount: 0 is out of range\nsummary: ${SUMMARY_URI}\n`,
    );
  });

  it("says which state an aborted execution was stopped in", async () => {
    // Prepare
    const events = history([
      started(0),
      entered("RunClarifyJob", 10),
      scheduled(10),
      taskStarted(11),
      { atMs: 9000, type: "ExecutionAborted" },
    ]);
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: "ABORTED", startDate: STARTED, stopDate: new Date(T0 + 9000) });
    sfn.on(GetExecutionHistoryCommand).resolves(newestFirst(events));

    // Act
    const result = await cli(["status", EXECUTION_ARN]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("status: ABORTED\n");
    expect(result.stdout).toContain("aborted: the execution was stopped in RunClarifyJob;");
    expect(result.stdout).not.toContain("state: ");
  });

  it("reports an unknown execution as one line and exits 1", async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: "Execution Does Not Exist: 'x'", $metadata: {} }));

    // Act
    const result = await cli(["status", EXECUTION_ARN]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: execution ${EXECUTION_ARN} does not exist in eu-west-1; check the ARN (start prints it) and the account your credentials belong to\n`,
    );
    expect(result.stdout).toBe("");
  });

  it("refuses a state machine ARN where an execution ARN belongs, before any request", async () => {
    // Act
    const result = await cli([
      "status",
      "arn:aws:states:eu-west-1:123456789012:stateMachine:ClarifyPipeline",
    ]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: EXECUTION_ARN arn:aws:states:.*:stateMachine:ClarifyPipeline is not an execution ARN;/,
    );
    expect(sfn.calls()).toHaveLength(0);
  });
});
