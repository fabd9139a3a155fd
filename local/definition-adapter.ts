/**
 * Turns statemachine/clarify-pipeline.asl.json into the definition the local interpreter
 * (aws-local-stepfunctions 3) runs, so that the one file behaves there as it does in AWS.
 *
 * Two differences between the interpreter and AWS Step Functions are bridged here:
 *
 * 1. Default Task timeout. The interpreter gives a Task with neither `TimeoutSeconds` nor
 *    `TimeoutSecondsPath` a 60 s timeout (TaskStateAction, DEFAULT_TIMEOUT_SECONDS = 60).
 *    AWS sets none: "By default, the Amazon States Language doesn't set timeouts in state
 *    machine definitions" (Step Functions developer guide, "Use timeouts to avoid stuck
 *    executions"), and the Task state reference gives 99999999 s as the value used when
 *    `TimeoutSeconds` is absent. Such Tasks get {@link LOCAL_UNBOUNDED_TASK_TIMEOUT_SECONDS}: the
 *    interpreter arms a `setTimeout`, and Node fires any delay above 2^31-1 ms after 1 ms, so
 *    99999999 s would time out at once; 2147483 s (24.8 days) is the longest it can hold,
 *    far beyond any local run (a Standard execution itself lasts at most a year).
 *
 * 2. Where `TimeoutSecondsPath` is read. AWS resolves it against the state input ("a
 *    reference path to the state input"); the interpreter resolves it against the effective
 *    input, i.e. after `Parameters` (TaskStateAction.getTimeoutMs receives the processed
 *    input). The SageMaker integration rejects unknown request fields, so the file cannot
 *    carry the timeout inside `Parameters`. Locally, the path is copied into `Parameters`
 *    under the reserved key {@link LOCAL_TIMEOUT_KEY} and `TimeoutSecondsPath` points at it;
 *    the local task bindings strip that key before calling their service emulator.
 *
 * A third difference is avoided in the file itself: the interpreter treats `"ResultPath": "$"`
 * as a key named `$`, so the definition omits ResultPath where it means "replace the input"
 * (AWS's default), and test/unit/statemachine checks that no state uses `"$"`.
 *
 * It also substitutes the `${Placeholder}` ARNs, as CDK's `definitionSubstitutions` does.
 */
import { readFile } from "node:fs/promises";
import type { StateMachineDefinition } from "aws-local-stepfunctions";

/** The Task timeout AWS applies when a Task sets neither TimeoutSeconds nor TimeoutSecondsPath. */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/** The longest timeout the interpreter's timer can hold (2^31-1 ms), standing in for AWS's default. */
export const LOCAL_UNBOUNDED_TASK_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Reserved Parameters key that carries the state timeout past `Parameters`; never sent to a service. */
export const LOCAL_TIMEOUT_KEY = "__timeoutSeconds";

/** Account used in every local ARN. */
export const LOCAL_ACCOUNT = "000000000000";

/** Region used in every local ARN. */
export const LOCAL_REGION = "us-east-1";

/** Local stand-ins for the definition's placeholders. */
export const LOCAL_SUBSTITUTIONS: Readonly<Record<string, string>> = {
  ValidateConfigFunctionArn: localLambdaArn("clarify-pipeline-validate-config"),
  StageInputsFunctionArn: localLambdaArn("clarify-pipeline-stage-inputs"),
  CollectResultsFunctionArn: localLambdaArn("clarify-pipeline-collect-results"),
};

/** `arn:aws:lambda:us-east-1:000000000000:function:<name>` */
export function localLambdaArn(functionName: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;
}

/** `arn:aws:states:us-east-1:000000000000:execution:clarify-pipeline:<name>` */
export function localExecutionArn(executionName: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:clarify-pipeline:${executionName}`;
}

/** Replaces every `${Name}` in the definition text; throws naming any placeholder left without a value. */
export function substitutePlaceholders(
  text: string,
  substitutions: Readonly<Record<string, string>>,
): string {
  const missing = new Set<string>();
  const result = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = substitutions[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(
      `the state machine definition has placeholders without a local value: ${[...missing].join(", ")}`,
    );
  }
  return result;
}

type JsonObject = Record<string, unknown>;

/** Applies the two timeout adaptations to every Task (recursively into Parallel branches and Map processors). */
export function adaptForLocalInterpreter(definition: StateMachineDefinition): StateMachineDefinition {
  const copy = structuredClone(definition) as unknown as JsonObject;
  adaptStates(copy);
  return copy as unknown as StateMachineDefinition;
}

function adaptStates(machine: JsonObject): void {
  const states = machine.States as Record<string, JsonObject>;
  for (const state of Object.values(states)) {
    if (state.Type === "Task") adaptTask(state);
    if (state.Type === "Parallel") for (const branch of state.Branches as JsonObject[]) adaptStates(branch);
    if (state.Type === "Map") {
      const processor = (state.ItemProcessor ?? state.Iterator) as JsonObject | undefined;
      if (processor) adaptStates(processor);
    }
  }
}

function adaptTask(task: JsonObject): void {
  if (task.TimeoutSeconds !== undefined) return;
  const path = task.TimeoutSecondsPath;
  if (typeof path !== "string") {
    task.TimeoutSeconds = LOCAL_UNBOUNDED_TASK_TIMEOUT_SECONDS;
    return;
  }
  if (task.Parameters === undefined) {
    // Without Parameters the effective input is the state input: the interpreter already agrees with AWS.
    return;
  }
  const parameters = task.Parameters;
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    throw new Error("a Task with TimeoutSecondsPath needs object Parameters to run locally");
  }
  task.Parameters = { ...(parameters as JsonObject), [`${LOCAL_TIMEOUT_KEY}.$`]: path };
  task.TimeoutSecondsPath = `$.${LOCAL_TIMEOUT_KEY}`;
}

/** Removes the reserved timeout key from a task's effective input before it reaches a service emulator. */
export function withoutLocalTimeout<T>(input: T): T {
  if (typeof input !== "object" || input === null || !(LOCAL_TIMEOUT_KEY in input)) return input;
  const { [LOCAL_TIMEOUT_KEY]: _timeout, ...rest } = input as JsonObject;
  return rest as T;
}

/** Reads the definition file, substitutes placeholders with local ARNs and adapts it for the interpreter. */
export async function loadLocalDefinition(
  definitionPath: string,
  substitutions: Readonly<Record<string, string>> = LOCAL_SUBSTITUTIONS,
): Promise<StateMachineDefinition> {
  const text = await readFile(definitionPath, "utf8");
  const parsed = JSON.parse(substitutePlaceholders(text, substitutions)) as StateMachineDefinition;
  return adaptForLocalInterpreter(parsed);
}

/** The repository's one definition file. */
export const DEFINITION_PATH = new URL("../statemachine/clarify-pipeline.asl.json", import.meta.url).pathname;
