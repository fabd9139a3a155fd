/**
 * Shared helpers of the fault-injection scenarios: a run of the credit-mini fixture through
 * the real definition, interpreter, step cores, embedded S3 and processing emulator, with
 * no real backoff and tiny job clocks; and readers of what the run left behind.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { clarifyEngineContainer } from "../../../local/clarify-container.ts";
import { coreSteps } from "../../../local/core-steps.ts";
import { DEFINITION_PATH } from "../../../local/definition-adapter.ts";
import type { ExecutionEvent } from "../../../local/local-execution.ts";
import { type LocalRunOptions, type LocalRunReport, runLocal } from "../../../local/local-run.ts";

/** The small credit dataset, its analysis config and run.json. */
export const FIXTURE = new URL("../fixtures/credit-mini/", import.meta.url).pathname;
const FIXTURE_FILES = ["analysis_config.json", "train.csv"] as const;

export interface ScenarioReport extends LocalRunReport {
  /** The progress lines the runner logged. */
  readonly log: readonly string[];
}

/** A temporary folder for one test file's runs. */
export interface ScenarioWorkspace {
  readonly root: string;
  /** Runs the fixture (with run.json overrides) through the local runtime. */
  readonly run: (
    overrides?: Record<string, unknown>,
    options?: Partial<LocalRunOptions>,
  ) => Promise<ScenarioReport>;
  /** Runs an input file holding exactly this JSON value (any value, not only an object). */
  readonly runRaw: (input: unknown, options?: Partial<LocalRunOptions>) => Promise<ScenarioReport>;
  /** Writes the fixture's run.json (with overrides) beside the fixture's files in the workspace; returns its path. */
  readonly writeRunJson: (name: string, overrides?: Record<string, unknown>) => Promise<string>;
  /** Removes the folder. */
  readonly close: () => Promise<void>;
}

export async function scenarioWorkspace(prefix: string): Promise<ScenarioWorkspace> {
  const root = await mkdtemp(join(tmpdir(), `${prefix}-`));
  // run.json may name only files inside its own folder: the fixture's files go beside it.
  for (const file of FIXTURE_FILES) await copyFile(join(FIXTURE, file), join(root, file));
  let counter = 0;
  const writeRunJson = async (name: string, overrides: Record<string, unknown> = {}) => {
    const path = join(root, name);
    await writeFile(
      path,
      JSON.stringify(
        await fixtureRunJson({
          analysisConfigUri: "analysis_config.json",
          dataset: { uri: "train.csv", s3DataType: "S3Prefix" },
          ...overrides,
        }),
      ),
    );
    return path;
  };
  const runFile = async (inputPath: string, options: Partial<LocalRunOptions>) => {
    const log: string[] = [];
    const report = await runLocal({
      inputPath,
      outDir: join(root, `out-${counter}`),
      log: (line) => log.push(line),
      makeSteps: coreSteps,
      container: clarifyEngineContainer,
      // No real backoff, and one emulated job second per real millisecond. The container is a
      // real process, so the fixture's MaxRuntimeInSeconds (a day: 86 s here) leaves it ample time.
      retryIntervalMs: 0,
      msPerEmulatedSecond: 1,
      ...options,
    });
    return { ...report, log };
  };
  return {
    root,
    writeRunJson,
    run: async (overrides = {}, options = {}) => {
      counter++;
      return runFile(await writeRunJson(`run-${counter}.json`, overrides), options);
    },
    runRaw: async (input, options = {}) => {
      counter++;
      const inputPath = join(root, `run-${counter}.json`);
      await writeFile(inputPath, JSON.stringify(input));
      return runFile(inputPath, options);
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
}

/** The fixture's run.json with its files by absolute path, plus overrides. */
export async function fixtureRunJson(
  overrides: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const base = JSON.parse(await readFile(join(FIXTURE, "run.json"), "utf8")) as Record<string, unknown>;
  return {
    ...base,
    analysisConfigUri: join(FIXTURE, "analysis_config.json"),
    dataset: { uri: join(FIXTURE, "train.csv"), s3DataType: "S3Prefix" },
    ...overrides,
  };
}

function stateName(event: ExecutionEvent): string | undefined {
  return (event as { state?: { name?: string } }).state?.name;
}

/** Events of one type for one state. */
export function eventsOf(report: LocalRunReport, type: string, state: string): ExecutionEvent[] {
  return report.execution.events.filter((event) => event.type === type && stateName(event) === state);
}

/** How many times a Task state ran: each entry plus each retry. */
export function attempts(report: LocalRunReport, state: string): number {
  return eventsOf(report, "StateEntered", state).length + eventsOf(report, "StateRetried", state).length;
}

/** The names of the states entered, in order. */
export function statesEntered(report: LocalRunReport): string[] {
  return report.execution.events
    .filter((event) => event.type === "StateEntered")
    .map((event) => stateName(event) ?? "");
}

/** The definition's retrier of a state for an error (as written in the file). */
export async function retrierOf(
  state: string,
  error: string,
): Promise<{ MaxAttempts: number; IntervalSeconds: number; ErrorEquals: string[] }> {
  const definition = JSON.parse(await readFile(DEFINITION_PATH, "utf8")) as {
    States: Record<
      string,
      { Retry?: { MaxAttempts: number; IntervalSeconds: number; ErrorEquals: string[] }[] }
    >;
  };
  const retrier = definition.States[state]?.Retry?.find((candidate) => candidate.ErrorEquals.includes(error));
  if (!retrier) throw new Error(`state ${state} has no retrier for ${error}`);
  return retrier;
}

/** Files of the copied run folder, relative and sorted (empty when there is none). */
export async function runFolderFiles(report: LocalRunReport): Promise<string[]> {
  if (!report.resultsDirectory) return [];
  const entries = await readdir(report.resultsDirectory, { recursive: true, withFileTypes: true }).catch(
    () => [],
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice((report.resultsDirectory ?? "").length + 1))
    .sort();
}

/** Every scenario ends with no processing job left running, and nothing had to be stopped after the fact. */
export function expectNoJobInProgress(report: ScenarioReport): void {
  expect(report.jobs.filter((job) => job.ProcessingJobStatus === "InProgress")).toEqual([]);
  expect(report.log.filter((line) => line.includes("still in progress"))).toEqual([]);
}
