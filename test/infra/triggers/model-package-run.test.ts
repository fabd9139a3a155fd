/**
 * The model-package runner's definition through the real interpreter: every Task is bound to a
 * local handler standing in for SageMaker and for the nested pipeline execution, and records
 * the exact request the state sent.
 */
import { readFileSync } from "node:fs";
import aslValidator from "asl-validator";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { describe, expect, it } from "vitest";
import { MODEL_PACKAGE_RUN_DEFINITION_PATH } from "../../../lib/triggers/model-package-trigger.ts";
import { substitutePlaceholders } from "../../../local/definition-adapter.ts";
import { SDK_THROTTLED } from "../../local/support/fault-scenarios.ts";

const PIPELINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:clarify-pipeline";
const ROLE_ARN = "arn:aws:iam::123456789012:role/clarify-job";
const PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/credit-model/7";
const EXECUTION_NAME = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const MODEL_NAME = `clarify-tmp-${EXECUTION_NAME}`;

function definition(): StateMachineDefinition {
  const text = readFileSync(MODEL_PACKAGE_RUN_DEFINITION_PATH, "utf8");
  return JSON.parse(
    substitutePlaceholders(text, {
      ModelNamePrefix: "clarify-tmp-",
      ModelExecutionRoleArn: ROLE_ARN,
      PipelineStateMachineArn: PIPELINE_ARN,
    }),
  ) as StateMachineDefinition;
}

/** The definition's Wait states: its throttling backoff. */
function waitStates(): string[] {
  return Object.entries(definition().States)
    .filter(([, state]) => state.Type === "Wait")
    .map(([name]) => name);
}

function input(updateApprovalStatus: boolean) {
  return {
    modelPackageArn: PACKAGE_ARN,
    updateApprovalStatus,
    run: {
      runName: "credit-package",
      analysisConfig: { label: "y", predictor: { instance_type: "ml.m5.xlarge", initial_instance_count: 1 } },
    },
  };
}

function namedError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

/** What a failed nested execution looks like to the parent: States.TaskFailed, its description as Cause. */
function nestedFailure(error: string, cause: string): Error {
  return namedError(
    "States.TaskFailed",
    JSON.stringify({
      ExecutionArn: `${PIPELINE_ARN}:${EXECUTION_NAME}`,
      Status: "FAILED",
      Error: error,
      Cause: cause,
    }),
  );
}

type Outcome = "succeeds" | Error;

interface Script {
  readonly createModel?: Outcome;
  readonly pipeline?: Outcome;
  readonly deleteModel?: Outcome;
  readonly approve?: Outcome;
  readonly reject?: Outcome;
}

interface Run {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly error?: string;
  readonly cause?: string;
  readonly calls: { state: string; request: Record<string, unknown> }[];
}

async function runRunner(updateApprovalStatus: boolean, script: Script): Promise<Run> {
  const calls: Run["calls"] = [];
  const handler =
    (
      state: string,
      outcomeOf: () => Outcome | undefined,
      result: (request: Record<string, unknown>) => unknown,
    ) =>
    // The interpreter hands each Task its effective Parameters: here always an object.
    async (input: unknown): Promise<never> => {
      const request = input as Record<string, unknown>;
      calls.push({ state, request });
      // Read per call, so a script can fail the first attempt only.
      const outcome = outcomeOf();
      if (outcome instanceof Error) throw outcome;
      return result(request) as never;
    };
  const pipelineResult = () => ({
    ExecutionArn: `${PIPELINE_ARN}:${EXECUTION_NAME}`,
    Status: "SUCCEEDED",
    Output: {
      verdict: { passed: true, message: "every bias gate passed", summaryUri: "s3://b/run/summary.json" },
    },
  });
  const machine = new StateMachine(definition());
  const execution = machine.run(input(updateApprovalStatus), {
    overrides: {
      taskResourceLocalHandlers: {
        CreateTemporaryModel: handler(
          "CreateTemporaryModel",
          () => script.createModel,
          (r) => ({
            ModelArn: `arn:aws:sagemaker:us-east-1:123456789012:model/${r.ModelName}`,
          }),
        ),
        RunPipeline: handler("RunPipeline", () => script.pipeline, pipelineResult),
        DeleteTemporaryModel: handler(
          "DeleteTemporaryModel",
          () => script.deleteModel,
          () => ({}),
        ),
        DeleteTemporaryModelAfterFailure: handler(
          "DeleteTemporaryModelAfterFailure",
          () => script.deleteModel,
          () => ({}),
        ),
        ApproveModelPackage: handler(
          "ApproveModelPackage",
          () => script.approve,
          () => ({ ModelPackageArn: PACKAGE_ARN }),
        ),
        RejectModelPackage: handler(
          "RejectModelPackage",
          () => script.reject,
          () => ({ ModelPackageArn: PACKAGE_ARN }),
        ),
      },
      // Retries wait no real backoff.
      waitTimeOverrides: Object.fromEntries(waitStates().map((name) => [name, 0])),
    },
    context: {
      Execution: {
        Name: EXECUTION_NAME,
        Id: `arn:aws:states:us-east-1:123456789012:execution:runner:${EXECUTION_NAME}`,
      },
    },
  });
  const events: { type: string; Error?: string; Cause?: string }[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event as (typeof events)[number]);
  })();
  let status: Run["status"] = "SUCCEEDED";
  try {
    await execution.result;
  } catch {
    status = "FAILED";
  }
  await collecting;
  const failed = events.find((event) => event.type === "ExecutionFailed");
  return { status, error: failed?.Error, cause: failed?.Cause, calls };
}

const statesCalled = (run: Run) => run.calls.map((call) => call.state);

describe("statemachine/model-package-run.asl.json", () => {
  it("is a valid Amazon States Language definition", () => {
    // Prepare
    const substituted = definition();

    // Act
    const { isValid, errorsText } = aslValidator(substituted);

    // Assess
    expect(errorsText()).toBe("");
    expect(isValid).toBe(true);
  });

  it("creates the temporary model from the package, runs the pipeline with it as predictor, deletes it and approves", async () => {
    // Prepare
    const script: Script = {};

    // Act
    const run = await runRunner(true, script);

    // Assess
    expect(run.status).toBe("SUCCEEDED");
    expect(statesCalled(run)).toEqual([
      "CreateTemporaryModel",
      "RunPipeline",
      "DeleteTemporaryModel",
      "ApproveModelPackage",
    ]);
    expect(run.calls[0]?.request).toEqual({
      ModelName: MODEL_NAME,
      PrimaryContainer: { ModelPackageName: PACKAGE_ARN },
      ExecutionRoleArn: ROLE_ARN,
    });
    expect(run.calls[1]?.request).toEqual({
      StateMachineArn: PIPELINE_ARN,
      Name: "credit-model-v7",
      Input: {
        runName: "credit-package",
        modelPackageArn: PACKAGE_ARN,
        analysisConfig: {
          label: "y",
          predictor: { instance_type: "ml.m5.xlarge", initial_instance_count: 1, model_name: MODEL_NAME },
        },
      },
    });
    expect(run.calls[2]?.request).toEqual({ ModelName: MODEL_NAME });
    expect(run.calls[3]?.request).toEqual({
      ModelPackageArn: PACKAGE_ARN,
      ModelApprovalStatus: "Approved",
      ApprovalDescription:
        "Clarify bias gates passed: every bias gate passed (summary: s3://b/run/summary.json)",
    });
  });

  it("leaves the package's approval alone when updateApprovalStatus is false", async () => {
    // Prepare
    const script: Script = {};

    // Act
    const run = await runRunner(false, script);

    // Assess
    expect(run.status).toBe("SUCCEEDED");
    expect(statesCalled(run)).toEqual(["CreateTemporaryModel", "RunPipeline", "DeleteTemporaryModel"]);
  });

  it("deletes the model, rejects the package with the verdict and fails with BiasGateFailed when a gate fails", async () => {
    // Prepare
    const script: Script = {
      pipeline: nestedFailure("BiasGateFailed", "DI 0.61 is below the minimum 0.8 (sex=0)"),
    };

    // Act
    const run = await runRunner(true, script);

    // Assess
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe("BiasGateFailed");
    expect(run.cause).toBe("DI 0.61 is below the minimum 0.8 (sex=0)");
    expect(statesCalled(run)).toEqual([
      "CreateTemporaryModel",
      "RunPipeline",
      "DeleteTemporaryModelAfterFailure",
      "RejectModelPackage",
    ]);
    expect(run.calls[2]?.request).toEqual({ ModelName: MODEL_NAME });
    expect(run.calls[3]?.request).toEqual({
      ModelPackageArn: PACKAGE_ARN,
      ModelApprovalStatus: "Rejected",
      ApprovalDescription: "Clarify bias gates failed: DI 0.61 is below the minimum 0.8 (sex=0)",
    });
  });

  it("deletes the model and fails with the pipeline's error, approving nothing, when the pipeline fails otherwise", async () => {
    // Prepare
    const failure = nestedFailure("ConfigValidationError", "$.dataset.uri: not an S3 URI");
    const script: Script = { pipeline: failure };

    // Act
    const run = await runRunner(true, script);

    // Assess
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe("States.TaskFailed");
    expect(run.cause).toBe(failure.message);
    expect(statesCalled(run)).toEqual([
      "CreateTemporaryModel",
      "RunPipeline",
      "DeleteTemporaryModelAfterFailure",
    ]);
  });

  it("lets a duplicate event for an analysed package version fail on the pipeline's name, changing no approval", async () => {
    // Prepare
    const duplicate = namedError(
      "StepFunctions.ExecutionAlreadyExistsException",
      `Execution Already Exists: '${PIPELINE_ARN.replace(":stateMachine:", ":execution:")}:credit-model-v7'`,
    );
    const script: Script = { pipeline: duplicate };

    // Act
    const run = await runRunner(true, script);

    // Assess
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe("StepFunctions.ExecutionAlreadyExistsException");
    expect(statesCalled(run)).toEqual([
      "CreateTemporaryModel",
      "RunPipeline",
      "DeleteTemporaryModelAfterFailure",
    ]);
    expect(run.calls[1]?.request.Name).toBe("credit-model-v7");
    expect(run.calls[2]?.request).toEqual({ ModelName: MODEL_NAME });
  });

  it("still tries to delete the model when CreateModel fails, and reports CreateModel's error", async () => {
    // Prepare
    const script: Script = {
      createModel: namedError("SageMaker.SageMakerException", "Could not access model data"),
      deleteModel: namedError("SageMaker.SageMakerException", "Could not find model"),
    };

    // Act
    const run = await runRunner(true, script);

    // Assess
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe("SageMaker.SageMakerException");
    expect(run.cause).toBe("Could not access model data");
    expect(statesCalled(run)).toEqual(["CreateTemporaryModel", "DeleteTemporaryModelAfterFailure"]);
  });

  describe("throttled SageMaker calls (the AWS SDK integration names them SageMaker.SageMakerException)", () => {
    const throttled = () => namedError(SDK_THROTTLED.error, SDK_THROTTLED.message);
    const gateFailure = nestedFailure("BiasGateFailed", "DI 0.61 is below the minimum 0.8 (sex=0)");
    const otherFailure = nestedFailure("ConfigValidationError", "$.dataset.uri: not an S3 URI");

    /** The script with `call` throttled on its first `times` attempts, then succeeding. */
    function throttledFirst(script: Script, call: keyof Script, times: number): Script {
      let attempts = 0;
      // Layered over the script, so another call's getter keeps counting its own attempts.
      return Object.defineProperty(Object.create(script) as Script, call, {
        get: () => {
          attempts += 1;
          return attempts <= times ? throttled() : "succeeds";
        },
      });
    }

    it.each([
      {
        state: "CreateTemporaryModel",
        call: "createModel",
        approve: false,
        script: {},
        calls: ["CreateTemporaryModel", "CreateTemporaryModel", "RunPipeline", "DeleteTemporaryModel"],
        status: "SUCCEEDED",
      },
      {
        state: "DeleteTemporaryModel",
        call: "deleteModel",
        approve: false,
        script: {},
        calls: ["CreateTemporaryModel", "RunPipeline", "DeleteTemporaryModel", "DeleteTemporaryModel"],
        status: "SUCCEEDED",
      },
      {
        state: "ApproveModelPackage",
        call: "approve",
        approve: true,
        script: {},
        calls: [
          "CreateTemporaryModel",
          "RunPipeline",
          "DeleteTemporaryModel",
          "ApproveModelPackage",
          "ApproveModelPackage",
        ],
        status: "SUCCEEDED",
      },
      {
        state: "DeleteTemporaryModelAfterFailure",
        call: "deleteModel",
        approve: true,
        script: { pipeline: otherFailure },
        calls: [
          "CreateTemporaryModel",
          "RunPipeline",
          "DeleteTemporaryModelAfterFailure",
          "DeleteTemporaryModelAfterFailure",
        ],
        status: "FAILED",
        error: "States.TaskFailed",
        cause: otherFailure.message,
      },
      {
        state: "RejectModelPackage",
        call: "reject",
        approve: true,
        script: { pipeline: gateFailure },
        calls: [
          "CreateTemporaryModel",
          "RunPipeline",
          "DeleteTemporaryModelAfterFailure",
          "RejectModelPackage",
          "RejectModelPackage",
        ],
        status: "FAILED",
        error: "BiasGateFailed",
        cause: "DI 0.61 is below the minimum 0.8 (sex=0)",
      },
    ] as const)("$state is tried again, and the run goes on as if it had not been throttled", async (c) => {
      // Prepare
      const script = throttledFirst(c.script, c.call, 1);

      // Act
      const run = await runRunner(c.approve, script);

      // Assess
      expect(statesCalled(run)).toEqual(c.calls);
      expect(run.status).toBe(c.status);
      expect(run.error).toBe("error" in c ? c.error : undefined);
      expect(run.cause).toBe("cause" in c ? c.cause : undefined);
    });

    it("gives up after the first attempt and four more, reporting the throttling error, and still deletes the model", async () => {
      // Prepare
      const script = throttledFirst({}, "createModel", 5);

      // Act
      const run = await runRunner(true, script);

      // Assess
      expect(statesCalled(run)).toEqual([
        ...Array.from({ length: 5 }, () => "CreateTemporaryModel"),
        "DeleteTemporaryModelAfterFailure",
      ]);
      expect(run.status).toBe("FAILED");
      expect(run.error).toBe(SDK_THROTTLED.error);
      expect(run.cause).toBe(SDK_THROTTLED.message);
    });

    it("each call has its own budget: a throttled delete after a throttled create is still tried again", async () => {
      // Prepare
      const script = throttledFirst(throttledFirst({}, "createModel", 4), "deleteModel", 4);

      // Act
      const run = await runRunner(false, script);

      // Assess
      expect(run.status).toBe("SUCCEEDED");
      expect(statesCalled(run)).toEqual([
        ...Array.from({ length: 5 }, () => "CreateTemporaryModel"),
        "RunPipeline",
        ...Array.from({ length: 5 }, () => "DeleteTemporaryModel"),
      ]);
    });
  });
});
