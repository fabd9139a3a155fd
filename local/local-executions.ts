/**
 * StartExecution's name semantics, locally. Step Functions (Standard) knows an execution by
 * its name: starting a name that is running with the same input returns that execution
 * (the call is idempotent); starting it with other input, or once it has ended, is refused
 * with `ExecutionAlreadyExists`. So a duplicated start never runs a second job or copy.
 */
import { localExecutionArn } from "./definition-adapter.ts";
import {
  type LocalExecutionOptions,
  type LocalExecutionResult,
  runLocalExecution,
} from "./local-execution.ts";

/** StartExecution's refusal of a name already used. */
export class ExecutionAlreadyExistsError extends Error {
  override readonly name = "ExecutionAlreadyExists" as const;
}

/** Everything an execution runs against; each start adds its name and input. */
export type ExecutionEnvironment = Omit<LocalExecutionOptions, "input" | "executionName">;

interface KnownExecution {
  /** The input as StartExecution receives it: a JSON string, compared as such. */
  readonly input: string;
  readonly result: Promise<LocalExecutionResult>;
  running: boolean;
}

export class LocalExecutions {
  private readonly environment: ExecutionEnvironment;
  private readonly executions = new Map<string, KnownExecution>();

  constructor(environment: ExecutionEnvironment) {
    this.environment = environment;
  }

  /** StartExecution, resolving when the execution ends. */
  start(executionName: string, input: unknown): Promise<LocalExecutionResult> {
    const serializedInput = JSON.stringify(input);
    const known = this.executions.get(executionName);
    if (known) {
      if (known.running && known.input === serializedInput) return known.result;
      const why = known.running ? "is running with different input" : "has already run";
      return Promise.reject(
        new ExecutionAlreadyExistsError(
          `Execution Already Exists: '${localExecutionArn(executionName)}' (the execution ${why})`,
        ),
      );
    }
    const execution: KnownExecution = {
      input: serializedInput,
      running: true,
      result: runLocalExecution({ ...this.environment, input, executionName }).finally(() => {
        execution.running = false;
      }),
    };
    this.executions.set(executionName, execution);
    return execution.result;
  }
}
