/**
 * `clarify-pipeline run --local`: stages run.json's local files into an embedded S3, runs the
 * state machine in-process against it and the processing emulator, and copies the run folder
 * out. Everything lives under a temporary folder that is removed at the end.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { isRecord } from "../contracts/is-record.ts";
import type { NormalizedRun } from "../contracts/pipeline-state.ts";
import { joinS3Uri, parseS3Uri } from "../contracts/s3-uri.ts";
import { MODEL_ENVIRONMENT } from "../engine/processing/model-environment.ts";
import { type AbortedRun, abortSummary } from "../lambdas/collect-results/record-abort.ts";
import { putJson } from "../lambdas/shared/s3-objects.ts";
import type { DeploymentSettings } from "../lambdas/shared/settings.ts";
import { localModelProblem } from "../lambdas/validate-config/rules/local-model.ts";
import { ANALYSIS_CONFIG_GIVEN, isAnalysisConfig } from "../lambdas/validate-config/run-input.ts";
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3 } from "./embedded-s3.ts";
import {
  defaultExecutionName,
  type ExecutionEvent,
  type LocalExecutionResult,
  runLocalExecution,
} from "./local-execution.ts";
import { LOCAL_ARTIFACT_BUCKET, LOCAL_INPUT_BUCKET, localDeploymentSettings } from "./local-settings.ts";
import {
  type FaultPlan,
  type ProcessingContainer,
  ProcessingEmulator,
  type ProcessingJobDescription,
} from "./processing-emulator.ts";
import { formatProgressLine, readableCause } from "./progress-format.ts";
import { reportWithUserPaths } from "./report-user-paths.ts";
import { seedRunHistory } from "./run-history.ts";
import { LocalInputError, type StagedLocalPath, stageLocalInputs } from "./stage-local-files.ts";
import type { LocalSteps } from "./steps.ts";
import type { LambdaFaultPlan } from "./task-bindings.ts";
import { userPathsIn } from "./user-paths.ts";

/** What the local runtime hands a step binding. */
export interface LocalStepDeps {
  readonly s3: S3Client;
  readonly settings: DeploymentSettings;
  readonly emulator: ProcessingEmulator;
}

/** The processing emulator's fault plan plus scripted failures of the Lambda states. */
export interface LocalFaultPlan extends FaultPlan {
  readonly lambda?: LambdaFaultPlan;
}

export interface LocalRunOptions {
  /** Path of run.json; its local paths are relative to its folder. */
  readonly inputPath: string;
  /** Accept local paths in run.json that resolve (symlinks followed) outside its folder. @default false */
  readonly allowPathsOutsideInput?: boolean;
  /** Where the run folder is copied. @default ./clarify-runs/<runId>/ */
  readonly outDir?: string;
  /**
   * The earlier local runs (a `latest: "passed"` baseline, the report's trend).
   * @default the folder holding `outDir`, else ./clarify-runs/
   */
  readonly runsDirectory?: string;
  /** Progress lines (stderr in the CLI). */
  readonly log: (line: string) => void;
  /** The Lambda steps. */
  readonly makeSteps: (deps: LocalStepDeps) => LocalSteps;
  /** The processing job's image. */
  readonly container: ProcessingContainer;
  /** Aborting stops the execution and its job (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** @default a generated `local-<timestamp>-<random>` */
  readonly executionName?: string;
  /** Real ms per emulated processing-job second. @default 1000 */
  readonly msPerEmulatedSecond?: number;
  /** Emulated seconds a job provisions before it starts. @default 0 */
  readonly provisioningSeconds?: number;
  /** Scripted failures of SageMaker calls, the job's container and the Lambda states. @default none */
  readonly faults?: LocalFaultPlan;
  /** @default statemachine/clarify-pipeline.asl.json */
  readonly definitionPath?: string;
  /** Replaces individual local deployment settings (e.g. a short timeout margin in tests). */
  readonly settings?: Partial<DeploymentSettings>;
  /** Real ms every Retry waits. @default the definition's backoff */
  readonly retryIntervalMs?: number;
}

export type LocalRunVerdict = "succeeded" | "bias-gate-failed" | "failed" | "aborted";

export interface LocalRunReport {
  readonly verdict: LocalRunVerdict;
  /** For people: what happened, and for a failure which step failed and why (plus a `hint:` line when the failure record has advice). */
  readonly message: string;
  readonly execution: LocalExecutionResult;
  /** The run folder in the embedded S3, once ValidateConfig named it. */
  readonly runUri?: string;
  /** Where the run folder was copied. */
  readonly resultsDirectory?: string;
  /** summary.json of the run, when one was written. */
  readonly summary?: unknown;
  /** Every processing job at the end of the execution. */
  readonly jobs: readonly ProcessingJobDescription[];
  /** SageMaker API calls the execution made (before any clean-up). */
  readonly sageMakerCalls: Readonly<ProcessingEmulator["calls"]>;
}

export async function runLocal(options: LocalRunOptions): Promise<LocalRunReport> {
  const { input, modelEnvironment } = await takeLocalModel(
    await readRunJson(options.inputPath),
    options.inputPath,
  );
  const executionName = options.executionName ?? defaultExecutionName();
  const root = await mkdtemp(join(tmpdir(), "clarify-local-"));
  const server = await startEmbeddedS3({
    directory: join(root, "s3"),
    buckets: [LOCAL_INPUT_BUCKET, LOCAL_ARTIFACT_BUCKET],
  });
  try {
    const s3 = server.createClient();
    const settings = localDeploymentSettings(options.settings);
    const emulator = new ProcessingEmulator({
      s3,
      workDirectory: join(root, "jobs"),
      container: options.container,
      msPerEmulatedSecond: options.msPerEmulatedSecond,
      provisioningSeconds: options.provisioningSeconds,
      faults: options.faults,
      // The job reads S3 (dataset_uri, predicted_label_dataset_uri) with its own credentials: the embedded server's.
      jobEnvironment: {
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
        ...modelEnvironment,
      },
      onContainerLog: (_job, line) => options.log(`${" ".repeat(10)}job: ${line}`),
    });
    const staged = await stageLocalInputs(input, {
      baseDirectory: dirname(resolve(options.inputPath)),
      s3,
      stagingPrefix: executionName,
      allowOutside: options.allowPathsOutsideInput,
    });
    // From here on, what the user reads names their files, not the staged keys.
    const speakOfUserFiles = (text: string) => userPathsIn(text, staged.paths);
    const log = (line: string) => options.log(speakOfUserFiles(line));

    if (isRecord(input) && typeof input.runName === "string") {
      await seedRunHistory(s3, {
        runsDirectory:
          options.runsDirectory ??
          (options.outDir ? dirname(resolve(options.outDir)) : resolve("clarify-runs")),
        outputUri: typeof input.outputUri === "string" ? input.outputUri : settings.defaultOutputUri,
        runName: input.runName,
      });
    }

    let runUri: string | undefined;
    let abortedRun: AbortedRun | undefined;
    const progress = progressPrinter(log);
    const execution = await runLocalExecution({
      input: staged.input,
      executionName,
      steps: options.makeSteps({ s3, settings, emulator }),
      emulator,
      signal: options.signal,
      retryIntervalMs: options.retryIntervalMs,
      lambdaFaults: options.faults?.lambda,
      definitionPath: options.definitionPath,
      onEvent: progress,
      onLambdaResult: ({ payload }) => {
        const {
          runUri: uri,
          runId,
          runName,
          summaryUri,
        } = (payload ?? {}) as Partial<NormalizedRun> & {
          summaryUri?: unknown;
        };
        if (typeof runId === "string" && typeof runName === "string") abortedRun = { runId, runName };
        if (typeof uri === "string") runUri = uri;
        // A run that failed validation has no runUri yet; RecordFailure says where its record went.
        else if (runUri === undefined && typeof summaryUri === "string")
          runUri = summaryUri.replace(/summary\.json$/, "");
      },
    });
    const sageMakerCalls = { ...emulator.calls };
    // Ctrl-C stops the job, as stopping an execution should; otherwise a job still running is a defect, reported below.
    if (execution.status === "ABORTED") await emulator.stopAll();
    const jobs = await settleJobs(emulator, log);
    if (execution.status === "ABORTED" && runUri) await recordAbort(s3, runUri, abortedRun, execution, jobs);

    const resultsDirectory = runUri
      ? resolve(options.outDir ?? join("clarify-runs", runIdOf(runUri)))
      : undefined;
    if (runUri && resultsDirectory) {
      await copyRunFolder(s3, runUri, resultsDirectory);
      await nameUserFilesInReport(join(resultsDirectory, "report.html"), staged.paths);
    }
    const summary = resultsDirectory
      ? await readJsonIfExists(join(resultsDirectory, "summary.json"))
      : undefined;
    const outcome = describeOutcome(execution, summary);
    return {
      ...outcome,
      message: speakOfUserFiles(outcome.message),
      execution,
      runUri,
      resultsDirectory,
      summary,
      jobs,
      sageMakerCalls,
    };
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * run.json's `localModel` stays on this machine: checked here, handed to the job's container
 * through its environment, and left out of the input the state machine sees.
 */
async function takeLocalModel(
  input: unknown,
  inputPath: string,
): Promise<{ input: unknown; modelEnvironment: Record<string, string> }> {
  // A local job never calls the predictor's SageMaker model or endpoint: it has no AWS to call.
  const localOnly = { [MODEL_ENVIRONMENT.localOnly]: "1" };
  if (!isRecord(input) || input.localModel === undefined) return { input, modelEnvironment: localOnly };
  const { localModel, ...rest } = input;
  const problem = localModelProblem(localModel);
  if (problem) throw new LocalInputError(`--input ${inputPath}: $.localModel ${problem}`);
  if (typeof localModel === "string") {
    const path = resolve(dirname(resolve(inputPath)), localModel);
    await stat(path).catch(() => {
      throw new LocalInputError(`--input ${inputPath}: $.localModel ${localModel}: no such file (${path})`);
    });
    return { input: rest, modelEnvironment: { ...localOnly, [MODEL_ENVIRONMENT.onnx]: path } };
  }
  return {
    input: rest,
    modelEnvironment: {
      ...localOnly,
      [MODEL_ENVIRONMENT.endpoint]: (localModel as { endpoint: string }).endpoint,
    },
  };
}

async function readRunJson(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new LocalInputError(`--input ${path}: cannot read the file (${error.code ?? error.message})`);
  });
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new LocalInputError(`--input ${path}: not valid JSON (${(error as Error).message})`);
  }
  // Refused before anything runs: a run folder holding only "not a run input" would help no one.
  if (isRecord(input) && isAnalysisConfig(input))
    throw new LocalInputError(`--input ${path}: ${ANALYSIS_CONFIG_GIVEN}`);
  return input;
}

/** Jobs being stopped are waited for; a job still InProgress is reported and stopped, never left running. */
async function settleJobs(
  emulator: ProcessingEmulator,
  log: (line: string) => void,
): Promise<ProcessingJobDescription[]> {
  const pending = emulator.listJobs().filter((job) => job.ProcessingJobStatus === "Stopping");
  await Promise.all(pending.map((job) => emulator.waitForJob(job.ProcessingJobName)));
  const jobs = emulator.listJobs();
  const orphans = jobs.filter((job) => job.ProcessingJobStatus === "InProgress");
  for (const job of orphans) log(`stopping processing job ${job.ProcessingJobName}, still in progress`);
  await emulator.stopAll();
  return jobs;
}

function describeOutcome(
  execution: LocalExecutionResult,
  summary: unknown,
): { verdict: LocalRunVerdict; message: string } {
  if (execution.status === "SUCCEEDED") return { verdict: "succeeded", message: "every bias gate passed" };
  if (execution.status === "ABORTED")
    return {
      verdict: "aborted",
      message: "the run was aborted; any processing job still running was stopped",
    };
  if (execution.error === "BiasGateFailed")
    return { verdict: "bias-gate-failed", message: `bias gate failed: ${execution.cause ?? ""}` };
  const step = execution.failedStep ? ` at ${execution.failedStep}` : "";
  // The failure record's advice (which limit was hit, what to do), when it has some.
  const hint = (summary as { hint?: unknown } | undefined)?.hint;
  return {
    verdict: "failed",
    message: `failed${step}: ${execution.error ?? "unknown error"}: ${readableCause(execution.cause)}${typeof hint === "string" ? `\nhint: ${hint}` : ""}`,
  };
}

/** One line per state entered, exited, failed or retried, with times since the execution started. */
function progressPrinter(log: (line: string) => void): (event: ExecutionEvent) => void {
  let startedAt = 0;
  const enteredAt = new Map<string, number>();
  // A failure that a Catch handles still ends with StateExited; its ✗ line has said it all.
  const failed = new Set<string>();
  return (event) => {
    const e = event as ExecutionEvent & { state?: { name: string }; Error?: string };
    if (e.type === "ExecutionStarted") startedAt = e.timestamp;
    const state = e.state?.name ?? "";
    const elapsedMs = e.timestamp - startedAt;
    const durationMs = e.timestamp - (enteredAt.get(state) ?? e.timestamp);
    switch (e.type) {
      case "StateEntered":
        enteredAt.set(state, e.timestamp);
        log(formatProgressLine({ mark: "entered", state, elapsedMs }));
        break;
      case "StateExited":
        if (!failed.delete(state)) log(formatProgressLine({ mark: "exited", state, elapsedMs, durationMs }));
        break;
      case "StateFailed":
        failed.add(state);
        log(formatProgressLine({ mark: "failed", state, elapsedMs, durationMs, error: e.Error }));
        break;
      case "StateRetried":
        failed.delete(state);
        log(formatProgressLine({ mark: "retried", state, elapsedMs }));
        break;
    }
  };
}

async function recordAbort(
  s3: S3Client,
  runUri: string,
  run: AbortedRun | undefined,
  execution: LocalExecutionResult,
  jobs: readonly ProcessingJobDescription[],
): Promise<void> {
  if (!parseS3Uri(runUri)) return;
  const lastEntered = [...execution.events].reverse().find((event) => event.type === "StateEntered") as
    | { state: { name: string } }
    | undefined;
  // The same record the deployed pipeline writes for an aborted execution.
  const summary = abortSummary({
    status: "ABORTED",
    run,
    execution: { name: execution.executionName, arn: execution.executionArn },
    abortedAt: new Date().toISOString(),
    abortedInState: lastEntered?.state.name,
    jobs: jobs.map((job) => ({ name: job.ProcessingJobName, status: job.ProcessingJobStatus })),
  });
  await putJson(s3, joinS3Uri(runUri, "summary.json"), summary);
}

function runIdOf(runUri: string): string {
  return runUri.replace(/\/+$/, "").split("/").pop() ?? "run";
}

async function copyRunFolder(s3: S3Client, runUri: string, directory: string): Promise<void> {
  const location = parseS3Uri(runUri);
  if (!location) return;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith("/")) continue;
      const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: object.Key }));
      const target = join(directory, object.Key.slice(location.key.length));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(
        target,
        await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    }
    token = page.NextContinuationToken;
  } while (token);
}

/** The run folder's report.html, when CollectResults wrote one, naming the user's dataset files. */
async function nameUserFilesInReport(path: string, staged: readonly StagedLocalPath[]): Promise<void> {
  const html = await readFile(path, "utf8").catch(() => undefined);
  if (html === undefined) return;
  const named = reportWithUserPaths(html, staged);
  if (named !== html) await writeFile(path, named);
}

async function readJsonIfExists(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  return text === undefined ? undefined : JSON.parse(text);
}
