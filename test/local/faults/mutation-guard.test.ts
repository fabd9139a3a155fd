/**
 * The fault scenarios guard the definition: each one, run against a copy of the definition
 * with the Catch or Retry it relies on removed, must fail its own assessment, and the
 * outcome must differ the way the missing branch predicts.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFINITION_PATH } from "../../../local/definition-adapter.ts";
import {
  type FaultScenario,
  LAMBDA_TRANSIENT_TWICE,
  STATE_TIMEOUT_WHILE_IN_PROGRESS,
  STOP_ALREADY_STOPPED,
  STOP_REFUSED_PERMANENTLY,
  THROTTLED_TWICE,
} from "../support/fault-scenarios.ts";
import {
  attempts,
  type ScenarioReport,
  type ScenarioWorkspace,
  scenarioWorkspace,
  statesEntered,
} from "../support/scenario.ts";

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("faults-mutation");
});
afterAll(async () => {
  await workspace.close();
});

interface ErrorHandler {
  readonly ErrorEquals: readonly string[];
  readonly Next?: string;
}
interface State {
  Retry?: ErrorHandler[];
  Catch?: ErrorHandler[];
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next: string }[];
}
interface Definition {
  readonly StartAt: string;
  States: Record<string, State>;
}

/** Drops the states nothing leads to any more, as an author would (Step Functions refuses unreachable states). */
function withoutUnreachableStates(definition: Definition): Definition {
  const reached = new Set<string>();
  const pending = [definition.StartAt];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const state = definition.States[name];
    if (reached.has(name) || !state) continue;
    reached.add(name);
    const targets = [state.Next, state.Default, ...(state.Choices ?? []), ...(state.Catch ?? [])].map(
      (target) => (typeof target === "object" ? target?.Next : target),
    );
    pending.push(...targets.filter((target): target is string => typeof target === "string"));
  }
  return {
    ...definition,
    States: Object.fromEntries(Object.entries(definition.States).filter(([name]) => reached.has(name))),
  };
}

/** Writes a copy of the definition without the state's Retry or Catch entry that handles `error`. */
async function definitionWithout(state: string, field: "Retry" | "Catch", error: string): Promise<string> {
  const definition = JSON.parse(await readFile(DEFINITION_PATH, "utf8")) as Definition;
  const handlers = definition.States[state]?.[field] ?? [];
  const kept = handlers.filter((handler) => !handler.ErrorEquals.includes(error));
  if (kept.length === handlers.length) throw new Error(`${state} has no ${field} entry for ${error}`);
  const target = definition.States[state];
  if (target) target[field] = kept;
  const path = join(workspace.root, `without-${state}-${field}-${error}.asl.json`);
  await writeFile(path, JSON.stringify(withoutUnreachableStates(definition)));
  return path;
}

/** Runs a scenario against a mutated definition; its own assessment must fail. */
async function runMutated(scenario: FaultScenario, definitionPath: string): Promise<ScenarioReport> {
  const report = await workspace.run(scenario.input, { ...scenario.options, definitionPath });
  expect(() => scenario.assess(report)).toThrow();
  return report;
}

describe("the fault scenarios catch a definition", () => {
  it("without RunClarifyJob's States.Timeout catcher: the job is never stopped", async () => {
    // Prepare
    const definitionPath = await definitionWithout("RunClarifyJob", "Catch", "States.Timeout");

    // Act
    const report = await runMutated(STATE_TIMEOUT_WHILE_IN_PROGRESS, definitionPath);

    // Assess: States.ALL took the timeout straight to RecordFailure, leaving the job running.
    expect(report.execution.error).toBe("States.Timeout");
    expect(statesEntered(report)).not.toContain("StopClarifyJob");
    expect(report.sageMakerCalls.stopProcessingJob).toBe(0);
    expect(report.jobs.map((job) => job.ProcessingJobStatus)).toEqual(["InProgress"]);
    expect(report.log).toContainEqual(
      expect.stringMatching(/^stopping processing job \S+, still in progress$/),
    );
  });

  it("without RunClarifyJob's throttling retrier: the first throttle fails the run", async () => {
    // Prepare
    const definitionPath = await definitionWithout(
      "RunClarifyJob",
      "Retry",
      "SageMaker.AmazonSageMakerException",
    );

    // Act
    const report = await runMutated(THROTTLED_TWICE, definitionPath);

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("SageMaker.AmazonSageMakerException");
    expect(report.sageMakerCalls.createProcessingJob).toBe(1);
    expect(report.summary).toMatchObject({ status: "Failed", failedStep: "RunClarifyJob" });
  });

  it("without StageInputs' Lambda retrier: the first transient error fails the run", async () => {
    // Prepare
    const definitionPath = await definitionWithout("StageInputs", "Retry", "Lambda.ServiceException");

    // Act
    const report = await runMutated(LAMBDA_TRANSIENT_TWICE, definitionPath);

    // Assess
    expect(report.execution.status).toBe("FAILED");
    expect(report.execution.error).toBe("Lambda.ServiceException");
    expect(attempts(report, "StageInputs")).toBe(1);
    expect(report.jobs).toEqual([]);
  });

  it("that retries StopClarifyJob on SageMaker.SageMakerException: a permanent refusal is retried", async () => {
    // Prepare: the retrier this project once had, which also matched permanent errors.
    const definition = JSON.parse(await readFile(DEFINITION_PATH, "utf8")) as Definition;
    const stop = definition.States.StopClarifyJob;
    if (stop) stop.Retry = [{ ErrorEquals: ["SageMaker.SageMakerException"] }];
    const definitionPath = join(workspace.root, "with-StopClarifyJob-retry.asl.json");
    await writeFile(definitionPath, JSON.stringify(definition));
    // The refusal repeats as it would on AWS: every retry is refused too.
    const faults = { stopProcessingJob: Array.from({ length: 4 }, () => STOP_ALREADY_STOPPED) };

    // Act
    const report = await runMutated(
      { ...STOP_REFUSED_PERMANENTLY, options: { ...STOP_REFUSED_PERMANENTLY.options, faults } },
      definitionPath,
    );

    // Assess
    expect(report.sageMakerCalls.stopProcessingJob).toBeGreaterThan(1);
  });
});
