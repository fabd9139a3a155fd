import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StateMachineDefinition } from "aws-local-stepfunctions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigValidationError } from "../../lambdas/shared/errors.ts";
import { DEFINITION_PATH, LOCAL_TIMEOUT_KEY, loadLocalDefinition } from "../../local/definition-adapter.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../local/embedded-s3.ts";
import { ProcessingEmulator } from "../../local/processing-emulator.ts";
import type { LocalSteps } from "../../local/steps.ts";
import { bindTaskStates } from "../../local/task-bindings.ts";

let root: string;
let s3Server: EmbeddedS3;
let definition: StateMachineDefinition;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "bindings-test-"));
  s3Server = await startEmbeddedS3({ directory: join(root, "s3") });
  definition = await loadLocalDefinition(DEFINITION_PATH);
});
afterAll(async () => {
  await s3Server.close();
  await rm(root, { recursive: true, force: true });
});

const VALIDATE_ARN = "arn:aws:lambda:us-east-1:000000000000:function:clarify-pipeline-validate-config";

function steps(overrides: Partial<LocalSteps> = {}): LocalSteps {
  const unused = async () => {
    throw new Error("not used by this test");
  };
  return {
    validateConfig: unused,
    stageInputs: unused,
    collectResults: unused,
    recordFailure: unused,
    ...overrides,
  };
}

function emulator(): ProcessingEmulator {
  return new ProcessingEmulator({
    s3: s3Server.createClient(),
    workDirectory: join(root, "work"),
    container: async () => {},
  });
}

describe("bindTaskStates", () => {
  it("binds every Task of the real definition", () => {
    // Prepare
    const taskNames = Object.entries(definition.States)
      .filter(([, state]) => state.Type === "Task")
      .map(([name]) => name);

    // Act
    const handlers = bindTaskStates(definition, { steps: steps(), emulator: emulator() });

    // Assess
    expect(Object.keys(handlers).sort()).toEqual(taskNames.sort());
    expect(taskNames).toEqual(
      expect.arrayContaining(["ValidateConfig", "RunClarifyJob", "StopClarifyJob", "RecordFailure"]),
    );
  });

  it("wraps a Lambda result as the lambda:invoke integration does", async () => {
    // Prepare
    const handlers = bindTaskStates(definition, {
      steps: steps({ validateConfig: async () => ({ runId: "r", dropped: undefined }) as never }),
      emulator: emulator(),
    });

    // Act
    const result = await handlers.ValidateConfig?.({ FunctionName: VALIDATE_ARN, Payload: {} });

    // Assess
    expect(result).toEqual({ StatusCode: 200, Payload: { runId: "r" } });
  });

  it("keeps a core error's name and reports its cause as the Lambda runtime does", async () => {
    // Prepare
    const handlers = bindTaskStates(definition, {
      steps: steps({
        validateConfig: async () => {
          throw new ConfigValidationError([
            { path: "$.job.instanceCount", message: "must be at least 1, got 0" },
          ]);
        },
      }),
      emulator: emulator(),
    });

    // Act
    const error = (await handlers
      .ValidateConfig?.({ FunctionName: VALIDATE_ARN, Payload: {} })
      .catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe("ConfigValidationError");
    expect(JSON.parse(error.message)).toEqual({
      errorType: "ConfigValidationError",
      errorMessage: "$.job.instanceCount: must be at least 1, got 0",
      trace: [],
    });
  });

  it("routes the collect-results function by mode", async () => {
    // Prepare
    const calls: string[] = [];
    const handlers = bindTaskStates(definition, {
      steps: steps({
        collectResults: async () => {
          calls.push("collect");
          return {} as never;
        },
        recordFailure: async () => {
          calls.push("recordFailure");
          return {} as never;
        },
      }),
      emulator: emulator(),
    });
    const functionName = "arn:aws:lambda:us-east-1:000000000000:function:clarify-pipeline-collect-results";

    // Act
    await handlers.CollectResults?.({ FunctionName: functionName, Payload: { mode: "collect" } });
    await handlers.RecordFailure?.({ FunctionName: functionName, Payload: { mode: "recordFailure" } });

    // Assess
    expect(calls).toEqual(["collect", "recordFailure"]);
  });

  it("strips the reserved timeout key before StopProcessingJob reaches the emulator", async () => {
    // Prepare
    const sm = emulator();
    const handlers = bindTaskStates(definition, { steps: steps(), emulator: sm });

    // Act
    const error = (await handlers
      .StopClarifyJob?.({ ProcessingJobName: "clarify-none", [LOCAL_TIMEOUT_KEY]: 5 })
      .catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.name).toBe("SageMaker.ResourceNotFoundException");
    expect(sm.calls.stopProcessingJob).toBe(1);
  });

  it("refuses a definition with a resource it cannot run locally", () => {
    // Prepare
    const odd = {
      StartAt: "Publish",
      States: { Publish: { Type: "Task", Resource: "arn:aws:states:::sns:publish", End: true } },
    } as unknown as StateMachineDefinition;

    // Act
    const bind = () => bindTaskStates(odd, { steps: steps(), emulator: emulator() });

    // Assess
    expect(bind).toThrow("state Publish: no local binding for resource arn:aws:states:::sns:publish");
  });
});
