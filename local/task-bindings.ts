/**
 * Binds the definition's Task states to in-process implementations, by `Resource` (and, for
 * Lambda, by `FunctionName`), the way Step Functions dispatches them:
 *
 * - `arn:aws:states:::lambda:invoke` → the step core; its result is wrapped as the
 *   integration returns it (`{ StatusCode: 200, Payload }`) so `$.Payload...` selectors work.
 *   A thrown error keeps its `name` (matched by `ErrorEquals`); its Cause is the JSON the
 *   Node.js Lambda runtime reports (`{"errorType","errorMessage","trace"}`), as in AWS.
 * - `arn:aws:states:::sagemaker:createProcessingJob.sync` → the processing emulator, `.sync`.
 * - `arn:aws:states:::aws-sdk:sagemaker:stopProcessingJob` → the emulator's StopProcessingJob.
 *
 * A Lambda fault plan (`lambdaFaults`) makes chosen invocations fail as Lambda or the function
 * would, before the function runs or after it completed, so tests can drive every Retry and Catch.
 */
import type { StateMachineDefinition } from "aws-local-stepfunctions";
import type {
  CollectResultsEvent,
  RecordFailureEvent,
  StageInputsEvent,
  ValidateConfigEvent,
} from "../contracts/pipeline-state.ts";
import { LOCAL_SUBSTITUTIONS, withoutLocalTimeout } from "./definition-adapter.ts";
import type { FaultSpec, ProcessingEmulator } from "./processing-emulator.ts";
import type { LocalSteps } from "./steps.ts";

// biome-ignore lint/suspicious/noExplicitAny: the interpreter's JSON value type is not exported.
type TaskHandler = (input: any) => Promise<any>;

/** What a bound Lambda returned, seen before the state's ResultSelector trims it. */
export interface LambdaObservation {
  readonly functionName: string;
  readonly payload: unknown;
}

/**
 * One scripted failure of a Lambda invocation. A name starting with `Lambda.` is a service
 * error of the integration (its Cause is the message); any other name is an error thrown by
 * the function (its Cause is the runtime's `{"errorType","errorMessage","trace"}` JSON).
 */
export interface LambdaFault extends FaultSpec {
  /**
   * The function runs to completion first and the error is reported afterwards, as when the
   * response is lost on its way back: a retry then repeats work already done.
   * @default false (the function does not run)
   */
  readonly afterInvoke?: boolean;
}

/** Scripted Lambda failures per state name, consumed in order: the n-th invocation from that state fails with the n-th entry. */
export type LambdaFaultPlan = Readonly<Record<string, readonly LambdaFault[]>>;

export interface TaskBindingOptions {
  readonly steps: LocalSteps;
  readonly emulator: ProcessingEmulator;
  /** Called with every Lambda result (the local runner learns the run folder from it). */
  readonly onLambdaResult?: (observation: LambdaObservation) => void;
  /** Function ARNs of the placeholders. @default LOCAL_SUBSTITUTIONS */
  readonly functionArns?: Readonly<Record<string, string>>;
  /** @default no faults */
  readonly lambdaFaults?: LambdaFaultPlan;
}

const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const PROCESSING_JOB_SYNC = "arn:aws:states:::sagemaker:createProcessingJob.sync";
const STOP_PROCESSING_JOB = "arn:aws:states:::aws-sdk:sagemaker:stopProcessingJob";

/** The interpreter's `taskResourceLocalHandlers` for every Task of the definition; throws on an unknown resource. */
export function bindTaskStates(
  definition: StateMachineDefinition,
  options: TaskBindingOptions,
): Record<string, TaskHandler> {
  const lambdas = lambdaFunctions(options);
  const faults = new Map(
    Object.entries(options.lambdaFaults ?? {}).map(([stateName, queue]) => [stateName, [...queue]]),
  );
  const handlers: Record<string, TaskHandler> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== "Task") continue;
    switch (state.Resource) {
      case LAMBDA_INVOKE:
        handlers[stateName] = async (input: { FunctionName: string; Payload: unknown }) => {
          const invoke = lambdas[input.FunctionName];
          if (!invoke)
            throw namedError("Lambda.ResourceNotFoundException", `Function not found: ${input.FunctionName}`);
          const fault = faults.get(stateName)?.shift();
          if (fault && !fault.afterInvoke) throw lambdaFaultError(fault);
          const payload = await invokeLambda(() => invoke(input.Payload));
          if (fault) throw lambdaFaultError(fault);
          options.onLambdaResult?.({ functionName: input.FunctionName, payload });
          return { StatusCode: 200, Payload: payload };
        };
        break;
      case PROCESSING_JOB_SYNC:
        handlers[stateName] = async (input: Record<string, unknown>) =>
          options.emulator.runProcessingJobSync(withoutLocalTimeout(input));
        break;
      case STOP_PROCESSING_JOB:
        handlers[stateName] = async (input: { ProcessingJobName: string }) =>
          options.emulator.stopProcessingJob(withoutLocalTimeout(input).ProcessingJobName);
        break;
      default:
        throw new Error(`state ${stateName}: no local binding for resource ${state.Resource}`);
    }
  }
  return handlers;
}

function lambdaFunctions(
  options: TaskBindingOptions,
): Record<string, (payload: unknown) => Promise<unknown>> {
  const arns = options.functionArns ?? LOCAL_SUBSTITUTIONS;
  const { steps } = options;
  const byArn: Record<string, (payload: unknown) => Promise<unknown>> = {};
  const set = (placeholder: string, fn: (payload: unknown) => Promise<unknown>) => {
    const arn = arns[placeholder];
    if (arn) byArn[arn] = fn;
  };
  set("ValidateConfigFunctionArn", (payload) => steps.validateConfig(payload as ValidateConfigEvent));
  set("StageInputsFunctionArn", (payload) => steps.stageInputs(payload as StageInputsEvent));
  // One function, two modes, as deployed.
  set("CollectResultsFunctionArn", (payload) =>
    (payload as { mode?: string }).mode === "recordFailure"
      ? steps.recordFailure(payload as RecordFailureEvent)
      : steps.collectResults(payload as CollectResultsEvent),
  );
  return byArn;
}

/** Runs a Lambda core; a thrown error is reported as the Lambda integration reports function errors. */
async function invokeLambda(run: () => Promise<unknown>): Promise<unknown> {
  try {
    // The payload crosses a JSON boundary in AWS: undefined fields vanish, dates become strings.
    return JSON.parse(JSON.stringify((await run()) ?? null));
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    throw namedError(name, functionErrorCause(name, message));
  }
}

function lambdaFaultError(fault: LambdaFault): Error {
  if (fault.error.startsWith("Lambda.")) return namedError(fault.error, fault.message);
  return namedError(fault.error, functionErrorCause(fault.error, fault.message));
}

/** The Cause of an error the function threw, as the Node.js Lambda runtime reports it. */
function functionErrorCause(name: string, message: string): string {
  return JSON.stringify({ errorType: name, errorMessage: message, trace: [] });
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
