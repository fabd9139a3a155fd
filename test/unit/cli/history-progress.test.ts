import { describe, expect, it } from "vitest";
import { HistoryProgress } from "../../../bin/cli/execution/history-progress.ts";
import {
  entered,
  history,
  SUMMARY_URI,
  scheduled,
  started,
  succeededHistory,
  taskStarted,
  validationFailedHistory,
} from "./history-fixtures.ts";

function replay(events: ReturnType<typeof history>): { progress: HistoryProgress; lines: string[] } {
  const lines: string[] = [];
  const progress = new HistoryProgress((line) => lines.push(line));
  for (const event of events) progress.add(event);
  return { progress, lines };
}

describe("HistoryProgress", () => {
  it("prints the lines run --local prints, with times since the execution started", () => {
    // Prepare
    const events = succeededHistory();

    // Act
    const { lines } = replay(events);

    // Assess
    expect(lines).toEqual([
      "[  0.01s] → ValidateConfig",
      "[  0.04s] ✓ ValidateConfig (0.03s)",
      "[  0.05s] → StageInputs",
      "[  0.08s] ✗ StageInputs: Lambda.TooManyRequestsException (0.03s)",
      "[  2.08s] ↻ StageInputs retried after Lambda.TooManyRequestsException",
      "[  2.50s] ✓ StageInputs (2.45s)",
      "[  2.51s] → RunClarifyJob",
      "[182.51s] ✓ RunClarifyJob (180.00s)",
      "[182.52s] → CollectResults",
      "[183.02s] ✓ CollectResults (0.50s)",
      "[183.03s] → GatePassed?",
      "[183.03s] ✓ GatePassed? (0.00s)",
      "[183.04s] → Succeeded",
      "[183.04s] ✓ Succeeded (0.00s)",
    ]);
  });

  it("counts state transitions as Step Functions bills them: states entered plus retries", () => {
    // Prepare
    const events = succeededHistory();

    // Act
    const { progress } = replay(events);

    // Assess
    expect(progress.stateTransitions).toBe(7);
    expect(progress.terminalEvent?.type).toBe("ExecutionSucceeded");
    expect(progress.summaryUri).toBe(SUMMARY_URI);
    expect(progress.failedStep).toBeUndefined();
  });

  it("shows a caught failure once, without a ✓ for the state the Catch left", () => {
    // Prepare
    const events = validationFailedHistory();

    // Act
    const { progress, lines } = replay(events);

    // Assess
    expect(lines.slice(0, 3)).toEqual([
      "[  0.01s] → ValidateConfig",
      "[  0.04s] ✗ ValidateConfig: ConfigValidationError (0.03s)",
      "[  0.05s] → RecordFailure",
    ]);
    expect(lines.filter((line) => line.includes("✓ ValidateConfig"))).toEqual([]);
    expect(lines.at(-1)).toBe("[  0.31s] → Failed");
    expect(progress.failedStep).toBe("ValidateConfig");
    expect(progress.summaryUri).toBe(SUMMARY_URI);
    expect(progress.terminalEvent?.type).toBe("ExecutionFailed");
  });

  it("names the failed step from RecordFailure's input when the history starts after the failure", () => {
    // Prepare: only the newest events, as status reads them
    const events = validationFailedHistory().slice(6);

    // Act
    const { progress } = replay(events);

    // Assess
    expect(progress.failedStep).toBe("ValidateConfig");
    expect(progress.lastState).toBe("Failed");
  });

  it("reads a task that timed out without an error name as States.Timeout", () => {
    // Prepare
    const events = history([
      started(0),
      entered("RunClarifyJob", 1000),
      scheduled(1000),
      taskStarted(1001),
      {
        atMs: 61_000,
        type: "TaskTimedOut",
        taskTimedOutEventDetails: { resourceType: "sagemaker", resource: "createProcessingJob.sync" },
      },
    ]);

    // Act
    const { lines } = replay(events);

    // Assess
    expect(lines.at(-1)).toBe("[ 61.00s] ✗ RunClarifyJob: States.Timeout (60.00s)");
  });

  it("knows the state a running execution is in, and none once it ended", () => {
    // Prepare
    const running = history([started(0), entered("ValidateConfig", 10), scheduled(10), taskStarted(11)]);
    const ended = succeededHistory();

    // Act
    const whileRunning = replay(running).progress;
    const afterEnd = replay(ended).progress;

    // Assess
    expect(whileRunning.currentState).toBe("ValidateConfig");
    expect(afterEnd.currentState).toBeUndefined();
    expect(afterEnd.lastState).toBe("Succeeded");
  });
});
