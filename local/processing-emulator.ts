/**
 * A local stand-in for SageMaker processing jobs, faithful where the workflow depends on it:
 * unique job names, request validation (unknown fields rejected), the InProgress →
 * Completed / Failed / Stopping → Stopped lifecycle, inputs downloaded from S3 into an
 * `/opt/ml/processing` tree per instance (`InstanceCount` hosts `algo-1` … `algo-N`, each with its
 * `resourceconfig.json`; FullyReplicated inputs on every host, ShardedByS3Key inputs dealt by
 * object, see job-hosts.ts), one container per host run concurrently, outputs uploaded to S3 at
 * end of job only, MaxRuntimeInSeconds enforced (job Stopped, no output), and
 * DescribeProcessingJob-shaped results.
 *
 * Time is emulated: `msPerEmulatedSecond` turns job seconds (provisioning, MaxRuntime) into
 * real milliseconds, so tests never wait real time. A fault plan scripts which calls fail.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parseS3Uri } from "../contracts/s3-uri.ts";
import {
  CREATE_PROCESSING_JOB_FIELDS,
  PROCESSING_JOB_NAME_PATTERN,
} from "../lambdas/shared/processing-job-api.ts";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./definition-adapter.ts";
import {
  assignObjects,
  type Distribution,
  type HostTree,
  hostNames,
  hostTrees,
  resourceConfigOf,
} from "./job-hosts.ts";

export type ProcessingJobStatus = "InProgress" | "Completed" | "Failed" | "Stopping" | "Stopped";

/** The container's root inside a processing instance. */
export const PROCESSING_ROOT = "/opt/ml/processing";

/** What the emulated container of one host gets: its `/opt/ml` tree, the job request and its environment. */
export interface ContainerRun {
  /** This host, `algo-1` … `algo-N`. */
  readonly host: string;
  /** Every host of the job, in order. */
  readonly hosts: readonly string[];
  /** Local folder standing for `/opt/ml/processing` (inputs already downloaded). */
  readonly processingDir: string;
  /** Local path standing for `/opt/ml/output/message`, whose first 1 KB becomes the job's ExitMessage. */
  readonly messagePath: string;
  /** Local path standing for `/opt/ml/config/resourceconfig.json` (already written). */
  readonly resourceConfigPath: string;
  readonly request: Readonly<Record<string, unknown>>;
  /** The container's environment: the request's Environment, the job's region, credentials and endpoints. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Aborted when the job is stopped, reaches its MaxRuntimeInSeconds, or another host fails: the
   * container's SIGTERM. The container must then end; after `stopGraceMs` it is killed (SIGKILL).
   */
  readonly signal: AbortSignal;
  /** Real ms between SIGTERM and SIGKILL. */
  readonly stopGraceMs: number;
  /** The container's output lines (its CloudWatch log on AWS). */
  readonly log: (line: string) => void;
}

/**
 * The job's image, run once per host. Throwing fails the job (and stops the other hosts): its
 * FailureReason is that host's message file line when its container wrote one, else the error's
 * message.
 */
export type ProcessingContainer = (run: ContainerRun) => Promise<void>;

/** One scripted failure of an API call: the error name (as Step Functions reports it) and message. */
export interface FaultSpec {
  readonly error: string;
  readonly message: string;
}

/**
 * How the container of a job misbehaves (on every host of the job):
 * - a {@link FaultSpec}: it fails with that message instead of running (the job ends Failed);
 * - `exitsWithoutOutput`: it exits 0 having written nothing (the job Completes with no output);
 * - `overwrites`: it runs, then replaces these files (paths relative to `/opt/ml/processing`),
 *   e.g. a truncated `output/analysis.json`;
 * - `hangs`: it never finishes, so the job stays InProgress until it is stopped or reaches
 *   its MaxRuntimeInSeconds.
 */
export type ContainerFault =
  | FaultSpec
  | { readonly exitsWithoutOutput: true }
  | { readonly overwrites: Readonly<Record<string, string>> }
  | { readonly hangs: true };

/** Scripted failures, consumed in order: the n-th call of an operation fails with the n-th entry. */
export interface FaultPlan {
  readonly createProcessingJob?: readonly FaultSpec[];
  readonly stopProcessingJob?: readonly FaultSpec[];
  /** The container of the n-th started job misbehaves as the n-th entry says. */
  readonly container?: readonly ContainerFault[];
}

export interface ProcessingEmulatorOptions {
  /** Client of the S3 the jobs read from and write to (the embedded server locally). */
  readonly s3: S3Client;
  /** Folder under which each job gets its own `/opt/ml/processing` tree. */
  readonly workDirectory: string;
  readonly container: ProcessingContainer;
  /**
   * Real milliseconds per emulated second.
   * @default 1000
   */
  readonly msPerEmulatedSecond?: number;
  /**
   * Emulated seconds a job spends provisioning its instance before the container starts
   * (not counted against MaxRuntimeInSeconds).
   * @default 0
   */
  readonly provisioningSeconds?: number;
  /** @default no faults */
  readonly faults?: FaultPlan;
  /** @default us-east-1 */
  readonly region?: string;
  /**
   * Environment every job's container gets besides the request's Environment: the job's
   * credentials and endpoints (locally, those of the embedded S3). @default none
   */
  readonly jobEnvironment?: Readonly<Record<string, string>>;
  /**
   * Emulated seconds between the SIGTERM and the SIGKILL of a stopped job's container.
   * @default 120
   */
  readonly stopGraceSeconds?: number;
  /** Receives each job's container output lines. @default dropped */
  readonly onContainerLog?: (jobName: string, line: string) => void;
  /**
   * Keep each job's `/opt/ml/processing` tree after the job ends (for debugging).
   * @default false
   */
  readonly keepWorkDirectories?: boolean;
}

/** DescribeProcessingJob's answer, timestamps as epoch milliseconds (as Step Functions returns them). */
export interface ProcessingJobDescription {
  readonly ProcessingJobName: string;
  readonly ProcessingJobArn: string;
  readonly ProcessingJobStatus: ProcessingJobStatus;
  readonly FailureReason?: string;
  readonly ExitMessage?: string;
  readonly CreationTime: number;
  readonly LastModifiedTime: number;
  readonly ProcessingStartTime?: number;
  readonly ProcessingEndTime?: number;
  readonly [field: string]: unknown;
}

/** An API error as Step Functions names it (`SageMaker.<Exception>`). */
export class SageMakerApiError extends Error {
  override readonly name: string;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const REQUEST_FIELDS: ReadonlySet<string> = new Set(CREATE_PROCESSING_JOB_FIELDS);
const REQUIRED_FIELDS = ["ProcessingJobName", "ProcessingResources", "AppSpecification", "RoleArn"] as const;

// Step Functions reports SageMaker's errors by their Java SDK exception class; ValidationException
// has no class of its own there and surfaces as AmazonSageMakerException with the code in the message.
const VALIDATION_ERROR = "SageMaker.AmazonSageMakerException";
// StopClarifyJob uses the AWS SDK integration (SDK v2 exception classes): an error SageMaker's
// model does not name (ValidationException, ThrottlingException) surfaces as SageMakerException,
// with the code only in the cause.
const SDK_UNMODELLED_ERROR = "SageMaker.SageMakerException";
const RESOURCE_IN_USE = "SageMaker.ResourceInUseException";
const RESOURCE_NOT_FOUND = "SageMaker.ResourceNotFoundException";

interface JobRecord {
  description: ProcessingJobDescription;
  readonly request: Readonly<Record<string, unknown>>;
  readonly stop: AbortController;
  /** Settles when the job is terminal. */
  done: Promise<void>;
}

export class ProcessingEmulator {
  /** How many times each operation was called, for tests. */
  readonly calls = { createProcessingJob: 0, describeProcessingJob: 0, stopProcessingJob: 0 };

  private readonly options: ProcessingEmulatorOptions;
  private readonly jobs = new Map<string, JobRecord>();
  private readonly faults: {
    createProcessingJob: FaultSpec[];
    stopProcessingJob: FaultSpec[];
    container: ContainerFault[];
  };
  private readonly scale: number;

  constructor(options: ProcessingEmulatorOptions) {
    this.options = options;
    this.scale = options.msPerEmulatedSecond ?? 1000;
    this.faults = {
      createProcessingJob: [...(options.faults?.createProcessingJob ?? [])],
      stopProcessingJob: [...(options.faults?.stopProcessingJob ?? [])],
      container: [...(options.faults?.container ?? [])],
    };
  }

  /** CreateProcessingJob: validates the request, registers the job InProgress and starts it. */
  createProcessingJob(request: Readonly<Record<string, unknown>>): { ProcessingJobArn: string } {
    this.calls.createProcessingJob++;
    throwFault(this.faults.createProcessingJob);
    validateRequest(request);
    const name = request.ProcessingJobName as string;
    if (this.jobs.has(name)) {
      throw new SageMakerApiError(
        RESOURCE_IN_USE,
        `Job name must be unique within an AWS account and region, and a job with this name already exists (${this.jobArn(name)})`,
      );
    }
    const now = Date.now();
    const description: ProcessingJobDescription = {
      ...structuredClone(request),
      ProcessingJobName: name,
      ProcessingJobArn: this.jobArn(name),
      ProcessingJobStatus: "InProgress",
      CreationTime: now,
      LastModifiedTime: now,
    };
    const stop = new AbortController();
    const record: JobRecord = { description, request, stop, done: Promise.resolve() };
    this.jobs.set(name, record);
    record.done = this.runJob(record);
    return { ProcessingJobArn: description.ProcessingJobArn };
  }

  /** DescribeProcessingJob. */
  describeProcessingJob(name: string): ProcessingJobDescription {
    this.calls.describeProcessingJob++;
    return structuredClone(this.job(name).description);
  }

  /** StopProcessingJob: an InProgress job goes Stopping, then Stopped without uploading output. */
  stopProcessingJob(name: string): Record<string, never> {
    this.calls.stopProcessingJob++;
    throwFault(this.faults.stopProcessingJob);
    const record = this.job(name);
    if (record.description.ProcessingJobStatus !== "InProgress") {
      throw new SageMakerApiError(
        SDK_UNMODELLED_ERROR,
        `The request was rejected because the processing job is in status ${record.description.ProcessingJobStatus}. (Service: SageMaker, Status Code: 400, Request ID: local) (Error Code: ValidationException)`,
      );
    }
    this.update(record, { ProcessingJobStatus: "Stopping" });
    record.stop.abort(new StopRequested());
    return {};
  }

  /**
   * `createProcessingJob.sync`: creates the job and waits until it is terminal. Completed →
   * the describe result; Failed or Stopped → `States.TaskFailed` with the describe result as
   * JSON in the message (the Cause), as Step Functions reports it.
   */
  async runProcessingJobSync(request: Readonly<Record<string, unknown>>): Promise<ProcessingJobDescription> {
    this.createProcessingJob(request);
    const name = request.ProcessingJobName as string;
    await this.waitForJob(name);
    const description = this.describeProcessingJob(name);
    if (description.ProcessingJobStatus !== "Completed") {
      throw new SageMakerApiError("States.TaskFailed", JSON.stringify(description));
    }
    return description;
  }

  /** Resolves once the job is terminal (Completed, Failed or Stopped). */
  async waitForJob(name: string): Promise<void> {
    await this.job(name).done;
  }

  /** Every job's description, for tests and for stopping what is left on abort. */
  listJobs(): ProcessingJobDescription[] {
    return [...this.jobs.values()].map((record) => structuredClone(record.description));
  }

  /** Stops every InProgress job and waits for all jobs to end. */
  async stopAll(): Promise<void> {
    for (const record of this.jobs.values()) {
      if (record.description.ProcessingJobStatus === "InProgress")
        this.stopProcessingJob(record.description.ProcessingJobName);
    }
    await Promise.all([...this.jobs.values()].map((record) => record.done));
  }

  private job(name: string): JobRecord {
    const record = this.jobs.get(name);
    if (!record)
      throw new SageMakerApiError(
        RESOURCE_NOT_FOUND,
        `Could not find processing job '${this.jobArn(name)}'.`,
      );
    return record;
  }

  private jobArn(name: string): string {
    return `arn:aws:sagemaker:${this.options.region ?? LOCAL_REGION}:${LOCAL_ACCOUNT}:processing-job/${name.toLowerCase()}`;
  }

  private update(record: JobRecord, changes: Partial<ProcessingJobDescription>): void {
    record.description = { ...record.description, ...changes, LastModifiedTime: Date.now() };
  }

  private async runJob(record: JobRecord): Promise<void> {
    const name = record.description.ProcessingJobName;
    const hosts = hostNames(instanceCountOf(record.request));
    const trees = hostTrees(join(this.options.workDirectory, name), hosts);
    const maxRuntime = new AbortController();
    const signal = AbortSignal.any([record.stop.signal, maxRuntime.signal]);
    let timer: NodeJS.Timeout | undefined;
    // Only a container that ran can have left a message file; a failed host's message is the job's.
    let containerRan = false;
    let messageFrom: readonly HostTree[] = trees;
    const exitMessage = () => (containerRan ? firstExitMessage(messageFrom) : undefined);
    try {
      await emulatedSleep((this.options.provisioningSeconds ?? 0) * this.scale, record.stop.signal);
      this.update(record, { ProcessingStartTime: Date.now() });
      const maxRuntimeSeconds = Number(
        (record.request.StoppingCondition as { MaxRuntimeInSeconds?: number } | undefined)
          ?.MaxRuntimeInSeconds ?? 86_400,
      );
      timer = setTimeout(
        () => maxRuntime.abort(new MaxRuntimeReached(maxRuntimeSeconds)),
        maxRuntimeSeconds * this.scale,
      );
      await this.prepareHosts(trees, hosts);
      await this.downloadInputs(record.request, trees);
      signal.throwIfAborted();
      containerRan = true;
      const failed = await this.runHosts(record, trees, hosts, signal);
      if (failed) {
        messageFrom = [failed.tree];
        throw failed.error;
      }
      signal.throwIfAborted();
      await this.uploadOutputs(record.request, trees);
      const message = await exitMessage();
      this.update(record, {
        ProcessingJobStatus: "Completed",
        ProcessingEndTime: Date.now(),
        ...(message !== undefined && { ExitMessage: message }),
      });
    } catch (error) {
      const reason = signal.aborted ? signal.reason : error;
      const said = await exitMessage();
      if (reason instanceof StopRequested) {
        this.update(record, {
          ProcessingJobStatus: "Stopped",
          ProcessingEndTime: Date.now(),
          ...(said !== undefined && { ExitMessage: said }),
        });
      } else if (reason instanceof MaxRuntimeReached) {
        this.update(record, {
          ProcessingJobStatus: "Stopped",
          ProcessingEndTime: Date.now(),
          FailureReason: reason.message,
          ExitMessage: said ?? reason.message,
        });
      } else {
        // What the container said in its message file, else what the emulator saw (exit code, error).
        const message = said ?? (reason instanceof Error ? reason.message : String(reason));
        this.update(record, {
          ProcessingJobStatus: "Failed",
          ProcessingEndTime: Date.now(),
          FailureReason: failureReason(reason, message),
          ExitMessage: message,
        });
      }
    } finally {
      clearTimeout(timer);
      if (!this.options.keepWorkDirectories)
        await rm(join(this.options.workDirectory, name), { recursive: true, force: true });
    }
  }

  /** Each host's `/opt/ml/processing` folder and its `resourceconfig.json`. */
  private async prepareHosts(trees: readonly HostTree[], hosts: readonly string[]): Promise<void> {
    for (const tree of trees) {
      await mkdir(tree.processingDir, { recursive: true });
      await mkdir(dirname(tree.resourceConfigPath), { recursive: true });
      await writeFile(tree.resourceConfigPath, JSON.stringify(resourceConfigOf(tree.host, hosts)));
    }
  }

  /**
   * Runs every host's container at once. Resolves once all have ended: undefined when each
   * exited normally (or the job was stopped), else the host that failed first, after the others
   * were stopped (SIGTERM, then SIGKILL after the grace period) as SageMaker ends a job whose
   * instance failed.
   */
  private async runHosts(
    record: JobRecord,
    trees: readonly HostTree[],
    hosts: readonly string[],
    jobSignal: AbortSignal,
  ): Promise<{ tree: HostTree; error: unknown } | undefined> {
    const name = record.description.ProcessingJobName;
    const fault = this.faults.container.shift();
    const otherHostFailed = new AbortController();
    const signal = AbortSignal.any([jobSignal, otherHostFailed.signal]);
    const environment = this.containerEnvironment(record.request);
    let failed: { tree: HostTree; error: unknown } | undefined;
    const runs = trees.map((tree) => {
      const run: ContainerRun = {
        host: tree.host,
        hosts,
        processingDir: tree.processingDir,
        messagePath: tree.messagePath,
        resourceConfigPath: tree.resourceConfigPath,
        request: record.request,
        environment,
        signal,
        stopGraceMs: (this.options.stopGraceSeconds ?? 120) * this.scale,
        // On AWS each host logs to its own stream; here one log, each line naming its host.
        log: (line) => this.options.onContainerLog?.(name, hosts.length > 1 ? `${tree.host}: ${line}` : line),
      };
      return this.runContainer(run, fault).catch((error: unknown) => {
        if (failed || signal.aborted) return;
        failed = { tree, error };
        otherHostFailed.abort(new OtherHostFailed(tree.host));
      });
    });
    await this.untilContainersEnd(
      Promise.all(runs).then(() => {}),
      signal,
    );
    if (jobSignal.aborted) throw jobSignal.reason;
    return failed;
  }

  /** The request's Environment, then the job's region and credentials, as SageMaker sets them. */
  private containerEnvironment(request: Readonly<Record<string, unknown>>): Record<string, string> {
    const region = this.options.region ?? LOCAL_REGION;
    return {
      ...((request.Environment ?? {}) as Record<string, string>),
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      ...this.options.jobEnvironment,
    };
  }

  /**
   * Waits for the containers; once they are told to stop (their SIGTERM), waits for them to end,
   * at most the grace period plus a second, then goes on as SageMaker does after SIGKILL.
   */
  private async untilContainersEnd(ended: Promise<void>, signal: AbortSignal): Promise<void> {
    try {
      await raceAbort(ended, signal);
    } catch {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, (this.options.stopGraceSeconds ?? 120) * this.scale + 1000);
      });
      await Promise.race([ended, grace]);
      clearTimeout(timer);
    }
  }

  private async runContainer(run: ContainerRun, fault: ContainerFault | undefined): Promise<void> {
    if (!fault) return this.options.container(run);
    if ("error" in fault) throw new SageMakerApiError(fault.error, fault.message);
    if ("exitsWithoutOutput" in fault) return;
    // Ends only when the job is stopped or reaches its MaxRuntimeInSeconds (a container that dies on SIGTERM).
    if ("hangs" in fault) {
      return new Promise<void>((_resolve, reject) => {
        run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true });
      });
    }
    await this.options.container(run);
    for (const [path, content] of Object.entries(fault.overwrites)) {
      const target = containerPath(run.processingDir, `${PROCESSING_ROOT}/${path}`);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }

  /** Downloads each input into the hosts that receive it, as its S3DataDistributionType says. */
  private async downloadInputs(
    request: Readonly<Record<string, unknown>>,
    trees: readonly HostTree[],
  ): Promise<void> {
    const inputs = (request.ProcessingInputs ?? []) as readonly Record<string, unknown>[];
    for (const input of inputs) {
      const s3Input = input.S3Input as Record<string, string> | undefined;
      if (!s3Input) continue;
      const localPath = s3Input.LocalPath ?? `${PROCESSING_ROOT}/input/${String(input.InputName)}`;
      const localDirs = trees.map((tree) => containerPath(tree.processingDir, localPath));
      const keys = await this.inputKeys(s3Input.S3Uri ?? "", s3Input.S3DataType ?? "S3Prefix");
      if (keys.length === 0)
        throw new Error(
          `ClientError: no S3 objects found under ${s3Input.S3Uri} (input ${String(input.InputName)})`,
        );
      // A host whose share of a sharded input is empty still finds the input's folder.
      for (const localDir of localDirs) await mkdir(localDir, { recursive: true });
      const distribution = (s3Input.S3DataDistributionType ?? "FullyReplicated") as Distribution;
      const receivers = assignObjects(
        keys.map(({ key }) => key),
        trees.length,
        distribution,
      );
      for (const [index, { bucket, key, relativePath }] of keys.entries()) {
        const targets = (receivers[index] ?? []).map((host) =>
          pathInside(localDirs[host] ?? "", relativePath, `s3://${bucket}/${key}`),
        );
        const response = await this.options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = await (
          response.Body as { transformToByteArray(): Promise<Uint8Array> }
        ).transformToByteArray();
        for (const target of targets) {
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, body);
        }
      }
    }
  }

  /** The objects an input selects: a prefix's objects, or the ones a manifest lists. */
  private async inputKeys(
    uri: string,
    dataType: string,
  ): Promise<{ bucket: string; key: string; relativePath: string }[]> {
    const location = parseS3Uri(uri);
    if (!location) throw new Error(`ClientError: invalid S3Uri ${uri}`);
    if (dataType === "ManifestFile") {
      const response = await this.options.s3.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
      );
      const manifest = JSON.parse(
        await (response.Body as { transformToString(): Promise<string> }).transformToString(),
      ) as unknown[];
      const prefix = (manifest[0] as { prefix: string }).prefix;
      const base = parseS3Uri(prefix);
      if (!base) throw new Error(`ClientError: invalid manifest prefix ${prefix}`);
      return (manifest.slice(1) as string[]).map((entry) => ({
        bucket: base.bucket,
        key: `${base.key}${entry}`,
        relativePath: entry,
      }));
    }
    // S3Prefix: every object whose key starts with the prefix, placed relative to the prefix's folder.
    const folder = location.key.slice(0, location.key.lastIndexOf("/") + 1);
    const keys: { bucket: string; key: string; relativePath: string }[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && !object.Key.endsWith("/")) {
          keys.push({
            bucket: location.bucket,
            key: object.Key,
            relativePath: object.Key.slice(folder.length),
          });
        }
      }
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  }

  /**
   * Uploads each host's output folder to the output's prefix, host after host: a key two hosts
   * both wrote holds the later host's file, as the later upload wins on S3.
   */
  private async uploadOutputs(
    request: Readonly<Record<string, unknown>>,
    trees: readonly HostTree[],
  ): Promise<void> {
    const outputs = ((request.ProcessingOutputConfig as { Outputs?: unknown[] } | undefined)?.Outputs ??
      []) as readonly Record<string, unknown>[];
    for (const output of outputs) {
      const s3Output = output.S3Output as Record<string, string> | undefined;
      if (!s3Output) continue;
      const destination = parseS3Uri(s3Output.S3Uri ?? "");
      if (!destination) throw new Error(`ClientError: invalid output S3Uri ${s3Output.S3Uri}`);
      const prefix =
        destination.key === "" || destination.key.endsWith("/") ? destination.key : `${destination.key}/`;
      for (const tree of trees) {
        const localDir = containerPath(tree.processingDir, s3Output.LocalPath ?? `${PROCESSING_ROOT}/output`);
        for (const file of await listFiles(localDir)) {
          const key = `${prefix}${relative(localDir, file).split(sep).join("/")}`;
          await this.options.s3.send(
            new PutObjectCommand({ Bucket: destination.bucket, Key: key, Body: await readFile(file) }),
          );
        }
      }
    }
  }
}

class StopRequested extends Error {
  constructor() {
    super("the job was stopped by StopProcessingJob");
  }
}

/** Why a host's container is stopped when another host of the job failed. */
class OtherHostFailed extends Error {
  constructor(host: string) {
    super(`host ${host} of the job failed`);
  }
}

class MaxRuntimeReached extends Error {
  constructor(seconds: number) {
    super(
      `The job reached its maximum runtime of ${seconds} seconds (StoppingCondition.MaxRuntimeInSeconds) and was stopped.`,
    );
  }
}

/** SageMaker prefixes a failure with whose fault it is: ClientError (bad input) or AlgorithmError. */
function failureReason(reason: unknown, message: string): string {
  if (/^(ClientError|AlgorithmError):/.test(message)) return message;
  const isInputError = reason instanceof Error && /InputError|Unsupported|ClientError/.test(reason.name);
  return `${isInputError ? "ClientError" : "AlgorithmError"}: ${message}`;
}

/** The message of the first of `trees` (in host order) whose container wrote one. */
async function firstExitMessage(trees: readonly HostTree[]): Promise<string | undefined> {
  for (const tree of trees) {
    const message = await readExitMessage(tree.messagePath);
    if (message !== undefined) return message;
  }
  return undefined;
}

/** `ClusterConfig.InstanceCount` of a validated request. */
function instanceCountOf(request: Readonly<Record<string, unknown>>): number {
  const cluster = (request.ProcessingResources as { ClusterConfig?: { InstanceCount?: unknown } } | undefined)
    ?.ClusterConfig;
  return typeof cluster?.InstanceCount === "number" ? cluster.InstanceCount : 1;
}

/** The first 1 KB of the container's message file, as SageMaker reports it; undefined when there is none. */
async function readExitMessage(path: string): Promise<string | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined || text.trim() === "") return undefined;
  return text.trimEnd().slice(0, 1024);
}

function throwFault(queue: FaultSpec[]): void {
  const fault = queue.shift();
  if (fault) throw new SageMakerApiError(fault.error, fault.message);
}

function validateRequest(request: Readonly<Record<string, unknown>>): void {
  const problems: string[] = [];
  for (const field of Object.keys(request)) {
    if (!REQUEST_FIELDS.has(field))
      problems.push(
        `Unknown parameter in input: "${field}", must be one of: ${[...REQUEST_FIELDS].join(", ")}`,
      );
  }
  for (const field of REQUIRED_FIELDS) {
    if (request[field] === undefined) problems.push(`Member '${field}' must not be null`);
  }
  const count = (request.ProcessingResources as { ClusterConfig?: { InstanceCount?: unknown } } | undefined)
    ?.ClusterConfig?.InstanceCount;
  if (
    count !== undefined &&
    !(Number.isInteger(count) && (count as number) >= 1 && (count as number) <= 100)
  ) {
    problems.push(
      `Value '${String(count)}' at 'processingResources.clusterConfig.instanceCount' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  const name = request.ProcessingJobName;
  if (typeof name === "string" && !PROCESSING_JOB_NAME_PATTERN.test(name)) {
    problems.push(
      `Value '${name}' at 'processingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PROCESSING_JOB_NAME_PATTERN.source}`,
    );
  }
  if (problems.length > 0) {
    throw new SageMakerApiError(
      VALIDATION_ERROR,
      `${problems.length} validation error(s) detected: ${problems.join("; ")} (Error Code: ValidationException)`,
    );
  }
}

/** Maps a container path (`/opt/ml/processing/...`) to the job's local tree. */
function containerPath(processingDir: string, localPath: string): string {
  if (localPath !== PROCESSING_ROOT && !localPath.startsWith(`${PROCESSING_ROOT}/`)) {
    throw new Error(`ClientError: LocalPath ${localPath} must be under ${PROCESSING_ROOT}`);
  }
  return join(processingDir, localPath.slice(PROCESSING_ROOT.length));
}

/** `folder/relativePath`, refusing an object key whose `..` or absolute form would land outside `folder`. */
function pathInside(folder: string, relativePath: string, source: string): string {
  const target = resolve(folder, relativePath);
  const fromFolder = relative(folder, target);
  if (fromFolder === "" || fromFolder.startsWith("..") || isAbsolute(fromFolder)) {
    throw new Error(
      `ClientError: ${source} would be downloaded outside ${folder}; its key is not a safe relative path`,
    );
  }
  return target;
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function emulatedSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Settles with the work, or rejects with the signal's reason as soon as it aborts. */
function raceAbort(work: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
