/**
 * Reads a Step Functions execution history, event by event in chronological order, into
 * the progress lines `run --local` prints and the facts the verdict needs: which state is
 * running, which step failed, how many state transitions were billed, where summary.json is.
 *
 * The pipeline's states run one after the other (no Parallel or Map), so "the state" an
 * event belongs to is the one entered last.
 */
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { CATCHING_STEPS } from "../../../lambdas/collect-results/record-failure.ts";
import { formatProgressLine, type ProgressLine } from "../../../local/progress-format.ts";
import { parseJson } from "./parse-json.ts";

/** Events that end an execution; following stops at the first one. */
export const TERMINAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  "ExecutionSucceeded",
  "ExecutionFailed",
  "ExecutionTimedOut",
  "ExecutionAborted",
]);

/** A task attempt that failed (the Task integrations and the legacy Lambda/activity events). */
const ATTEMPT_FAILED =
  /^(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$/;
/** A new attempt of a task: after a failure in the same state, a retry. */
const ATTEMPT_SCHEDULED = /^(TaskScheduled|LambdaFunctionScheduled|ActivityScheduled)$/;

export class HistoryProgress {
  readonly #print: ((line: string) => void) | undefined;
  #startedAt: number | undefined;
  #state: { name: string; enteredAt: number; failedWith?: string } | undefined;
  #lastEntered: string | undefined;
  #transitions = 0;
  #failedStep: string | undefined;
  #summaryUri: string | undefined;
  #reportUri: string | undefined;
  #terminal: HistoryEvent | undefined;

  /** @param print receives one progress line per state entered, exited, failed or retried; omit it to only gather facts. */
  constructor(print?: (line: string) => void) {
    this.#print = print;
  }

  /** StateEntered events plus retries: what Step Functions counts (and bills) as state transitions. */
  get stateTransitions(): number {
    return this.#transitions;
  }

  /** The state entered last and not exited, while the execution runs. */
  get currentState(): string | undefined {
    return this.#terminal ? undefined : this.#state?.name;
  }

  /** The state entered last, running or not: where a timed-out or stopped execution was. */
  get lastState(): string | undefined {
    return this.#lastEntered;
  }

  /** The step whose error the pipeline caught (from RecordFailure's input) or that ended the execution. */
  get failedStep(): string | undefined {
    return this.#failedStep;
  }

  /** summary.json of the run, once CollectResults or RecordFailure returned it. */
  get summaryUri(): string | undefined {
    return this.#summaryUri;
  }

  /** ExecutionSucceeded / Failed / TimedOut / Aborted, once seen. */
  /** The run's report.html, from the same task result as summary.json's location. */
  get reportUri(): string | undefined {
    return this.#reportUri;
  }

  get terminalEvent(): HistoryEvent | undefined {
    return this.#terminal;
  }

  add(event: HistoryEvent): void {
    const type = event.type ?? "";
    const at = event.timestamp ? new Date(event.timestamp).getTime() : (this.#startedAt ?? 0);
    this.#startedAt ??= at;
    if (type === "ExecutionStarted") this.#startedAt = at;
    const elapsedMs = at - this.#startedAt;

    if (type.endsWith("StateEntered")) {
      const name = event.stateEnteredEventDetails?.name ?? "?";
      this.#state = { name, enteredAt: at };
      this.#lastEntered = name;
      this.#transitions += 1;
      this.#noteFailureRecord(event.stateEnteredEventDetails?.input);
      this.#line({ mark: "entered", state: name, elapsedMs });
    } else if (type.endsWith("StateExited")) {
      const name = event.stateExitedEventDetails?.name ?? this.#state?.name ?? "?";
      const state = this.#state?.name === name ? this.#state : undefined;
      // A Catch exits the state after its failure was printed: no ✓ for it.
      if (state?.failedWith === undefined) {
        this.#line({ mark: "exited", state: name, elapsedMs, durationMs: at - (state?.enteredAt ?? at) });
      } else {
        this.#failedStep ??= name;
      }
      this.#state = undefined;
    } else if (ATTEMPT_FAILED.test(type) && this.#state) {
      const error = attemptError(event, type);
      this.#state.failedWith = error;
      this.#line({
        mark: "failed",
        state: this.#state.name,
        elapsedMs,
        durationMs: at - this.#state.enteredAt,
        error,
      });
    } else if (ATTEMPT_SCHEDULED.test(type) && this.#state?.failedWith !== undefined) {
      this.#transitions += 1;
      this.#line({ mark: "retried", state: this.#state.name, elapsedMs, error: this.#state.failedWith });
      this.#state.failedWith = undefined;
    } else if (type === "TaskSucceeded" || type === "LambdaFunctionSucceeded") {
      const output =
        event.taskSucceededEventDetails?.output ?? event.lambdaFunctionSucceededEventDetails?.output;
      const payload = (
        parseJson(output) as { Payload?: { summaryUri?: unknown; reportUri?: unknown } } | undefined
      )?.Payload;
      if (typeof payload?.summaryUri === "string") {
        this.#summaryUri = payload.summaryUri;
        this.#reportUri = typeof payload.reportUri === "string" ? payload.reportUri : undefined;
      }
    } else if (TERMINAL_EVENT_TYPES.has(type)) {
      this.#terminal = event;
      if (this.#state?.failedWith !== undefined) this.#failedStep ??= this.#state.name;
    }
  }

  #line(line: ProgressLine): void {
    this.#print?.(formatProgressLine(line));
  }

  /** RecordFailure's input holds `failure.<StepName>`: the step the pipeline caught an error from. */
  #noteFailureRecord(input: string | undefined): void {
    const failure = (parseJson(input) as { failure?: unknown } | undefined)?.failure;
    if (typeof failure !== "object" || failure === null) return;
    const step = CATCHING_STEPS.find((name) => Object.hasOwn(failure, name));
    if (step) this.#failedStep = step;
  }
}

function attemptError(event: HistoryEvent, type: string): string {
  const details = Object.entries(event).find(
    ([key, value]) => key.endsWith("EventDetails") && typeof value === "object" && value !== null,
  )?.[1] as { error?: string } | undefined;
  if (details?.error) return details.error;
  return type.endsWith("TimedOut") ? "States.Timeout" : "States.TaskFailed";
}
