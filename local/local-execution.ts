/**
 * One execution of the state machine in-process: the definition file, adapted for the
 * interpreter, run by aws-local-stepfunctions with every Task bound locally.
 */
import { type RunOptions, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { DEFINITION_PATH, loadLocalDefinition, localExecutionArn } from "./definition-adapter.ts";
import type { ProcessingEmulator } from "./processing-emulator.ts";
import type { LocalSteps } from "./steps.ts";
import { bindTaskStates, type LambdaFaultPlan, type LambdaObservation } from "./task-bindings.ts";

/** An event of the interpreter's log (StateEntered, StateExited, StateFailed, ...). */
export type ExecutionEvent = Awaited<
  ReturnType<ReturnType<StateMachine["run"]>["eventLogs"]["next"]>
>["value"] & {
  readonly type: string;
  readonly timestamp: number;
};

export interface LocalExecutionOptions {
  /** The execution input (run.json, its local paths already staged to S3). */
  readonly input: unknown;
  readonly steps: LocalSteps;
  readonly emulator: ProcessingEmulator;
  /** `$$.Execution.Name`. @default `local-<UTC timestamp>-<random>` */
  readonly executionName?: string;
  /** @default statemachine/clarify-pipeline.asl.json */
  readonly definitionPath?: string;
  /** Called for every interpreter event, as it happens. */
  readonly onEvent?: (event: ExecutionEvent) => void;
  /** Called with every Lambda result. */
  readonly onLambdaResult?: (observation: LambdaObservation) => void;
  /** Real milliseconds every Retry and Wait state waits, instead of the definition's backoff. @default the definition's */
  readonly retryIntervalMs?: number;
  /** Aborting stops the execution (as StopExecution would). */
  readonly signal?: AbortSignal;
  /** Scripted failures of the Lambda states. @default no faults */
  readonly lambdaFaults?: LambdaFaultPlan;
}

export type ExecutionStatus = "SUCCEEDED" | "FAILED" | "ABORTED";

export interface LocalExecutionResult {
  readonly status: ExecutionStatus;
  readonly executionName: string;
  readonly executionArn: string;
  readonly output?: unknown;
  /** The execution's error (a Fail state's Error), when FAILED. */
  readonly error?: string;
  readonly cause?: string;
  /** The first Task whose error was caught or ended the execution. */
  readonly failedStep?: string;
  /** StateEntered events plus retries: how Step Functions counts (and bills) state transitions. */
  readonly stateTransitions: number;
  readonly events: readonly ExecutionEvent[];
}

/** A name valid for executions, run folders and job names: `local-20260101T120000-ab12`. */
export function defaultExecutionName(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "");
  return `local-${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

export async function runLocalExecution(options: LocalExecutionOptions): Promise<LocalExecutionResult> {
  const definition = await loadLocalDefinition(options.definitionPath ?? DEFINITION_PATH);
  const executionName = options.executionName ?? defaultExecutionName();
  const executionArn = localExecutionArn(executionName);
  const machine = new StateMachine(definition);
  const runOptions: RunOptions = {
    overrides: {
      taskResourceLocalHandlers: bindTaskStates(definition, {
        steps: options.steps,
        emulator: options.emulator,
        onLambdaResult: options.onLambdaResult,
        lambdaFaults: options.lambdaFaults,
      }),
      ...(options.retryIntervalMs === undefined
        ? {}
        : {
            retryIntervalOverrides: retryOverrides(definition, options.retryIntervalMs),
            // A Wait state in a retry loop (StopClarifyJob's) is backoff too.
            waitTimeOverrides: waitOverrides(definition, options.retryIntervalMs),
          }),
    },
    noThrowOnAbort: true,
    context: { Execution: { Name: executionName, Id: executionArn } },
  };
  // biome-ignore lint/suspicious/noExplicitAny: run.json is arbitrary JSON.
  const execution = machine.run(options.input as any, runOptions);
  const onAbort = () => execution.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) execution.abort();

  const events: ExecutionEvent[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event as ExecutionEvent);
      options.onEvent?.(event as ExecutionEvent);
    }
  })();

  let outcome: Pick<LocalExecutionResult, "status" | "output" | "error" | "cause">;
  try {
    const output = await execution.result;
    outcome = options.signal?.aborted ? { status: "ABORTED" } : { status: "SUCCEEDED", output };
  } catch {
    outcome = { status: "FAILED" };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  await collecting;
  const failed = events.find((event) => event.type === "ExecutionFailed") as
    | { Error: string; Cause: unknown }
    | undefined;
  if (failed) outcome = { status: "FAILED", error: failed.Error, cause: String(failed.Cause ?? "") };
  return {
    ...outcome,
    executionName,
    executionArn,
    failedStep: firstFailedStep(events),
    stateTransitions: events.filter((event) => event.type === "StateEntered" || event.type === "StateRetried")
      .length,
    events,
  };
}

function firstFailedStep(events: readonly ExecutionEvent[]): string | undefined {
  const failed = events.find((event) => event.type === "StateFailed") as
    | { state: { name: string } }
    | undefined;
  return failed?.state.name;
}

function waitOverrides(definition: StateMachineDefinition, ms: number): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States))
    if (state.Type === "Wait") overrides[name] = ms;
  return overrides;
}

function retryOverrides(definition: StateMachineDefinition, ms: number): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States)) if ("Retry" in state) overrides[name] = ms;
  return overrides;
}
