import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEventType,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../bin/cli/main.ts";
import {
  EXECUTION_ARN,
  entered,
  history,
  REPORT_URI,
  STATE_MACHINE_ARN,
  SUMMARY_URI,
  scheduled,
  started,
  succeededHistory,
  T0,
  taskStarted,
  validationFailedHistory,
} from "./history-fixtures.ts";

const sfn = mockClient(SFNClient);
const NOW = new Date("2026-11-25T04:03:47.123Z");
const RUN = {
  runName: "credit-model",
  analysisConfigUri: "s3://my-bucket/config/analysis_config.json",
  dataset: { uri: "s3://my-bucket/data/credit.csv", s3DataType: "S3Prefix" },
  outputUri: "s3://my-bucket/clarify-runs/",
  gates: { DI: { min: 0.8 } },
};
let root: string;
let runJson: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "start-command-"));
  runJson = await writeRun("run.json", RUN);
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => sfn.reset());

async function writeRun(name: string, run: unknown): Promise<string> {
  const path = join(root, name);
  await writeFile(path, JSON.stringify(run, null, 2));
  return path;
}

/** Runs the CLI with a mocked Step Functions client, a sleep that returns at once and a fake Ctrl-C. */
async function cli(args: readonly string[], options: { interruptOnSleep?: boolean } = {}) {
  let stdout = "";
  let stderr = "";
  const regions: string[] = [];
  const pauses: number[] = [];
  let interrupt: (() => void) | undefined;
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
    sleep: async (ms) => {
      pauses.push(ms);
      if (options.interruptOnSleep) interrupt?.();
    },
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => (interrupt = undefined);
    },
    now: () => NOW,
  });
  return { code, stdout, stderr, regions, pauses, listening: () => interrupt !== undefined };
}

function finishedWith(events: ReturnType<typeof history>, description: Record<string, unknown>) {
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date(T0) });
  sfn.on(GetExecutionHistoryCommand).resolves({ events });
  sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, ...description });
}

describe("clarify-pipeline start", () => {
  it("starts the execution with run.json as input and a generated name, and prints its ARN", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: NOW });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${EXECUTION_ARN}\n`);
    expect(result.regions).toEqual(["eu-west-1"]);
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: expect.stringMatching(/^credit-model-20261125T040347-[0-9a-f]{4}$/),
      input: JSON.stringify(RUN),
    });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it("uses --name as given", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: NOW });

    // Act
    const result = await cli([
      "start",
      "--state-machine",
      STATE_MACHINE_ARN,
      "--input",
      runJson,
      "--name",
      "release-42_bias",
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe("release-42_bias");
  });

  it("shortens a long runName so the generated name stays within 80 characters", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: NOW });
    const path = await writeRun("long-name.json", { ...RUN, runName: `credit.model-${"v".repeat(85)}` });

    // Act
    await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", path]);

    // Assess
    const name = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name ?? "";
    expect(name).toHaveLength(80);
    expect(name).toMatch(/^credit\.model-v+-20261125T040347-[0-9a-f]{4}$/);
  });

  it("refuses a --name Step Functions would refuse, before any request", async () => {
    // Act
    const result = await cli([
      "start",
      "--state-machine",
      STATE_MACHINE_ARN,
      "--input",
      runJson,
      "--name",
      "my run",
    ]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: --name my run contains " "; an execution name may not hold whitespace, brackets, wildcards or any of " # % \\ ^ | ~ ` $ & , ; : /\n',
    );
    expect(sfn.calls()).toHaveLength(0);
  });

  it("refuses local paths: an AWS run reads its inputs from S3", async () => {
    // Prepare
    const path = await writeRun("local.json", {
      ...RUN,
      analysisConfigUri: "analysis_config.json",
      dataset: { uri: "credit.csv", s3DataType: "S3Prefix" },
    });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", path]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '$.analysisConfigUri: "analysis_config.json" is not an S3 URI; analysisConfigUri must look like s3://bucket/key\n',
    );
    expect(result.stderr).toContain(
      "$.analysisConfigUri and $.dataset.uri are local paths: an AWS run reads its inputs from S3; upload the files and give their s3:// URIs (local paths work only with `clarify-pipeline run --local`)\n",
    );
    expect(result.stderr).toContain(`error: --input ${path} has 2 problems; no execution was started\n`);
    expect(sfn.calls()).toHaveLength(0);
  });

  it("reports every validate-config problem, as validate does, and starts nothing", async () => {
    // Prepare
    const path = await writeRun("invalid.json", { ...RUN, job: { instanceType: "ml.p3.2xlarge" } });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", path]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\$\.job\.instanceType: ml\.p3\.2xlarge is a GPU instance type/);
    expect(sfn.calls()).toHaveLength(0);
  });

  it("refuses an ARN that is not a state machine's and a --region other than the ARN's", async () => {
    // Act
    const notArn = await cli(["start", "--state-machine", "ClarifyPipeline", "--input", runJson]);
    const otherRegion = await cli([
      "start",
      "--state-machine",
      STATE_MACHINE_ARN,
      "--input",
      runJson,
      "--region",
      "us-east-1",
    ]);

    // Assess
    expect(notArn.code).toBe(1);
    expect(notArn.stderr).toMatch(/^error: --state-machine ClarifyPipeline is not a state machine ARN;/);
    expect(otherRegion.code).toBe(1);
    expect(otherRegion.stderr).toMatch(
      /^error: --region us-east-1 does not match the ARN's region eu-west-1;/,
    );
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    [
      new StateMachineDoesNotExist({ message: "State Machine Does Not Exist: 'x'", $metadata: {} }),
      `error: state machine ${STATE_MACHINE_ARN} does not exist in eu-west-1; check the ARN (the ClarifyPipelineStack output StateMachineArn) and the account your credentials belong to\n`,
    ],
    [
      Object.assign(new Error("User: arn:aws:iam::1:user/ci is not authorized"), {
        name: "AccessDeniedException",
      }),
      "error: access denied (User: arn:aws:iam::1:user/ci is not authorized); the credentials in use need states:StartExecution, states:DescribeExecution and states:GetExecutionHistory on the state machine and its executions\n",
    ],
    [
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
      "error: no AWS credentials found; set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available (CodeBuild, GitHub Actions OIDC)\n",
    ],
  ])("reports %s as one line without a stack trace", async (error, message) => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(error);

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(message);
    expect(result.stdout).toBe("");
  });
});

describe("clarify-pipeline start --wait", () => {
  it("follows the execution state by state and exits 0 when every gate passed", async () => {
    // Prepare
    const output = JSON.stringify({
      verdict: {
        passed: true,
        message: "all 1 gates passed (2 metric values checked)",
        summaryUri: SUMMARY_URI,
      },
    });
    finishedWith(succeededHistory(), { status: "SUCCEEDED", output });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson, "--wait"]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${EXECUTION_ARN}\n`);
    expect(result.stderr).toContain("[  0.01s] → ValidateConfig\n[  0.04s] ✓ ValidateConfig (0.03s)\n");
    expect(result.stderr).toContain("↻ StageInputs retried after Lambda.TooManyRequestsException\n");
    expect(result.stderr).toMatch(
      new RegExp(
        `✓ Succeeded \\(0\\.00s\\)\nsucceeded: every bias gate passed: all 1 gates passed \\(2 metric values checked\\)\nstate transitions: 7\nsummary: ${SUMMARY_URI}\nreport: ${REPORT_URI}\n$`,
      ),
    );
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toEqual({
      executionArn: EXECUTION_ARN,
      maxResults: 100,
      reverseOrder: false,
      includeExecutionData: true,
    });
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: EXECUTION_ARN },
    ]);
  });

  it("exits 2 when a bias gate failed, with the verdict message", async () => {
    // Prepare
    const events = succeededHistory().slice(0, -3);
    const gateFailed = history([
      ...events.map(({ id, previousEventId, timestamp, ...event }) => ({
        ...event,
        atMs: (timestamp as Date).getTime() - T0,
      })),
      entered("BiasGateFailed", 183_040, "{}", "FailStateEntered"),
      {
        atMs: 183_040,
        type: "ExecutionFailed",
        executionFailedEventDetails: {
          error: "BiasGateFailed",
          cause: "1 of 2 gated metric values breach their gate",
        },
      },
    ]);
    finishedWith(gateFailed, {
      status: "FAILED",
      error: "BiasGateFailed",
      cause: "1 of 2 gated metric values breach their gate: DI 0.71 < 0.8",
    });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson, "--wait"]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `bias-gate-failed: bias gate failed: 1 of 2 gated metric values breach their gate: DI 0.71 < 0.8\nstate transitions: 7\nsummary: ${SUMMARY_URI}\nreport: ${REPORT_URI}\n`,
    );
  });

  it("exits 1 naming the failed step and the human part of its cause", async () => {
    // Prepare
    const cause = JSON.stringify({
      errorType: "ConfigValidationError",
      errorMessage: "$.job.instanceCount: 0 is out of range",
    });
    finishedWith(validationFailedHistory(), { status: "FAILED", error: "ConfigValidationError", cause });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson, "--wait"]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: failed at ValidateConfig: ConfigValidationError: $.job.instanceCount: 0 is out of range\nstate transitions: 3\nsummary: ${SUMMARY_URI}\n`,
    );
    // RecordFailure writes summary.json only: no report line.
    expect(result.stderr).not.toContain("report: ");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      "TIMED_OUT",
      "ExecutionTimedOut",
      "timed-out: the execution timed out in RunClarifyJob; no summary.json was written for it",
    ],
    ["ABORTED", "ExecutionAborted", "aborted: the execution was stopped in RunClarifyJob"],
  ])("exits 1 when the execution ends %s", async (status, eventType, verdict) => {
    // Prepare
    const events = history([
      started(0),
      entered("RunClarifyJob", 10),
      scheduled(10),
      taskStarted(11),
      { atMs: 5000, type: eventType as HistoryEventType },
    ]);
    finishedWith(events, { status });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson, "--wait"]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${verdict}`);
    expect(result.stderr).toContain("summary: none recorded\n");
  });

  it("polls a running execution, printing only new events", async () => {
    // Prepare
    const events = succeededHistory();
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: NOW });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 3) })
      .resolvesOnce({ events: events.slice(0, 3) })
      .resolvesOnce({ events });
    sfn.on(DescribeExecutionCommand).resolves({ status: "SUCCEEDED", output: "{}" });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson, "--wait"]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.pauses).toEqual([1000, 1500]);
    expect(result.stderr.match(/→ ValidateConfig/g)).toHaveLength(1);
    expect(result.stderr).toContain(`summary: ${SUMMARY_URI}\n`);
  });

  it("stops following on Ctrl-C, leaves the execution running and says how to check it", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: NOW });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: succeededHistory().slice(0, 3) });

    // Act
    const result = await cli(["start", "--state-machine", STATE_MACHINE_ARN, "--input", runJson, "--wait"], {
      interruptOnSleep: true,
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `stopped following; the execution keeps running. Check it with: clarify-pipeline status ${EXECUTION_ARN}\n`,
    );
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(1);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    expect(sfn.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "StartExecutionCommand",
      "GetExecutionHistoryCommand",
    ]);
    expect(result.listening()).toBe(false);
  });
});
