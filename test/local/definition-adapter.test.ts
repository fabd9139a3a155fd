import { readFile } from "node:fs/promises";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  adaptForLocalInterpreter,
  DEFINITION_PATH,
  LOCAL_TIMEOUT_KEY,
  LOCAL_UNBOUNDED_TASK_TIMEOUT_SECONDS,
  loadLocalDefinition,
  substitutePlaceholders,
  withoutLocalTimeout,
} from "../../local/definition-adapter.ts";

/** A single-Task machine built from one state of a definition, its Next turned into End. */
function singleTaskMachine(state: object): StateMachineDefinition {
  const { Next: _next, Catch: _catch, Retry: _retry, ...rest } = state as Record<string, unknown>;
  return { StartAt: "Task", States: { Task: { ...rest, End: true } } } as unknown as StateMachineDefinition;
}

/** Runs a machine whose only Task never settles and reports how it ended after `seconds` of fake time. */
async function outcomeAfter(
  definition: StateMachineDefinition,
  input: object,
  seconds: number,
): Promise<string> {
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: { Task: () => new Promise(() => {}) } },
  });
  let outcome = "running";
  execution.result.then(
    () => (outcome = "succeeded"),
    (error: Error & { cause?: Error }) => (outcome = error.cause?.name ?? error.name),
  );
  await vi.advanceTimersByTimeAsync(seconds * 1000);
  execution.abort();
  return outcome;
}

describe("substitutePlaceholders", () => {
  it("leaves no placeholder in the real definition", async () => {
    // Prepare
    const text = await readFile(DEFINITION_PATH, "utf8");

    // Act
    const definition = await loadLocalDefinition(DEFINITION_PATH);

    // Assess
    expect(text).toMatch(/\$\{[A-Za-z]+\}/);
    expect(JSON.stringify(definition)).not.toMatch(/\$\{/);
    expect(JSON.stringify(definition)).toContain(
      "arn:aws:lambda:us-east-1:000000000000:function:clarify-pipeline-validate-config",
    );
  });

  it("names a placeholder that has no local value", () => {
    // Prepare
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a definition placeholder, not a template.
    const text = '{"FunctionName": "${UnknownFunctionArn}"}';

    // Act
    const substitute = () => substitutePlaceholders(text, {});

    // Assess
    expect(substitute).toThrow(/UnknownFunctionArn/);
  });
});

describe("adaptForLocalInterpreter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("does not time out a Task without a timeout after the interpreter's 60 s (nor after a week)", async () => {
    // Prepare
    const plain = singleTaskMachine({
      Type: "Task",
      Resource: "arn:aws:lambda:us-east-1:000000000000:function:f",
      Next: "x",
    });

    // Act
    const adapted = adaptForLocalInterpreter(plain);
    const adaptedOutcome = await outcomeAfter(adapted, {}, 7 * 24 * 3600);
    const plainOutcome = await outcomeAfter(plain, {}, 61);

    // Assess
    expect((adapted.States.Task as { TimeoutSeconds?: number }).TimeoutSeconds).toBe(
      LOCAL_UNBOUNDED_TASK_TIMEOUT_SECONDS,
    );
    expect(adaptedOutcome).toBe("running");
    expect(plainOutcome).toBe("States.Timeout");
  });

  it("keeps an explicit TimeoutSeconds", () => {
    // Prepare
    const machine = singleTaskMachine({
      Type: "Task",
      Resource: "arn:aws:lambda:us-east-1:0:function:f",
      TimeoutSeconds: 5,
    });

    // Act
    const adapted = adaptForLocalInterpreter(machine);

    // Assess
    expect((adapted.States.Task as { TimeoutSeconds?: number }).TimeoutSeconds).toBe(5);
  });

  it("times RunClarifyJob out at the run's timeoutSeconds, read from the state input", async () => {
    // Prepare
    const definition = await loadLocalDefinition(DEFINITION_PATH);
    const machine = singleTaskMachine(definition.States.RunClarifyJob as object);
    const request = {
      ProcessingJobName: "clarify-x",
      RoleArn: "r",
      AppSpecification: {},
      ProcessingInputs: [],
      ProcessingOutputConfig: {},
      ProcessingResources: {},
      StoppingCondition: {},
      NetworkConfig: {},
      Environment: {},
      Tags: [],
    };
    const input = { clarifyJob: { request, timeoutSeconds: 100 } };

    // Act
    const before = await outcomeAfter(machine, input, 99);
    const at = await outcomeAfter(machine, input, 100);

    // Assess
    expect(before).toBe("running");
    expect(at).toBe("States.Timeout");
  });

  it("fails the unadapted RunClarifyJob, whose timeout path the interpreter reads after Parameters", async () => {
    // Prepare
    const raw = JSON.parse(await readFile(DEFINITION_PATH, "utf8")) as StateMachineDefinition;
    const machine = singleTaskMachine(raw.States.RunClarifyJob as object);
    const input = {
      clarifyJob: {
        request: {
          ProcessingJobName: "x",
          RoleArn: "r",
          AppSpecification: {},
          ProcessingInputs: [],
          ProcessingOutputConfig: {},
          ProcessingResources: {},
          StoppingCondition: {},
          NetworkConfig: {},
          Environment: {},
          Tags: [],
        },
        timeoutSeconds: 100,
      },
    };

    // Act
    const outcome = await outcomeAfter(machine, input, 1);

    // Assess
    expect(outcome).toBe("States.Runtime");
  });
});

describe("withoutLocalTimeout", () => {
  it("removes only the reserved key", () => {
    // Prepare
    const input = { ProcessingJobName: "a", [LOCAL_TIMEOUT_KEY]: 10 };

    // Act
    const stripped = withoutLocalTimeout(input);

    // Assess
    expect(stripped).toEqual({ ProcessingJobName: "a" });
  });
});
