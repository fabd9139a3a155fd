/**
 * The data that flows between the states of statemachine/clarify-pipeline.asl.json.
 *
 * Only S3 locations and small records travel through the execution (the Step Functions
 * payload limit is 256 KiB); analysis contents stay in the run folder.
 */

/** What every Lambda step learns about the execution that runs it (from the Context Object). */
export interface ExecutionInfo {
  /** `$$.Execution.Name`: unique per state machine; the run folder and job name derive from it. */
  readonly name: string;
  /** `$$.Execution.Id`: the execution ARN. */
  readonly id: string;
  /** `$$.Execution.StartTime`, ISO 8601. */
  readonly startTime: string;
}

/** Where a dataset lives and how SageMaker should read it. */
export interface DatasetLocation {
  readonly s3Uri: string;
  readonly s3DataType: "S3Prefix" | "ManifestFile";
}

/** A bias gate on one metric: the run fails its gate when a value falls outside the bounds. */
export interface Gate {
  /** |value| must be at most this. */
  readonly absMax?: number;
  /** value must be at least this. */
  readonly min?: number;
  /** value must be at most this. */
  readonly max?: number;
  /**
   * How much further from the metric's ideal (0, or 1 for DI) the value may be than the
   * baseline's: |value − ideal| − |baseline − ideal| must be at most this. Needs `baseline`.
   */
  readonly maxDrift?: number;
  /**
   * With a level (one of 0.8, 0.9, 0.95, 0.99), a bound breaches only when the metric's whole
   * bootstrap interval at that level (intervals.json) is outside what it allows.
   */
  readonly confidence?: number;
}

/** What a run's drift bounds compare with. */
export type BaselineSpec =
  /** An earlier analysis.json (s3:// URI; a local path in local runs). */
  | { readonly analysisUri: string }
  /** The newest earlier run with the same runName whose gates passed, under the output prefix. */
  | { readonly latest: "passed" };

/** Gates keyed by Clarify metric code (`CI`, `DPPL`, ...). */
export type Gates = Readonly<Record<string, Gate>>;

/** Settings of the Clarify processing job, after defaults were applied. */
export interface JobSettings {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeInGB: number;
  readonly volumeKmsKeyId?: string;
  readonly maxRuntimeInSeconds: number;
  readonly imageUri: string;
  readonly roleArn: string;
  readonly vpcConfig?: { readonly Subnets: readonly string[]; readonly SecurityGroupIds: readonly string[] };
  readonly tags?: readonly { readonly Key: string; readonly Value: string }[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly outputKmsKeyId?: string;
}

/** A run after validate-config: every default applied, every rule checked. */
export interface NormalizedRun {
  /** Folder name of this run under the output prefix; safe as an S3 key segment. */
  readonly runId: string;
  /** Human name of the run (run.json `runName`, default the execution name). */
  readonly runName: string;
  /** `s3://bucket/prefix/<runId>/`, always ending with `/`. */
  readonly runUri: string;
  /** The analysis configuration, inline as given or as an S3 object. */
  readonly analysisConfig:
    | { readonly inline: Record<string, unknown> }
    /** `eTag`: the version validate-config read; staging copies only that version. */
    | { readonly s3Uri: string; readonly eTag?: string };
  /** Absent only when the analysis config names its own `dataset_uri`. */
  readonly dataset?: DatasetLocation;
  readonly job: JobSettings;
  readonly gates: Gates;
  /** What `maxDrift` bounds compare with. */
  readonly baseline?: BaselineSpec;
  readonly modelPackageArn?: string;
  /** RunClarifyJob's state timeout: MaxRuntimeInSeconds plus the provisioning/upload margin. */
  readonly timeoutSeconds: number;
}

/** ValidateConfig's event. */
export interface ValidateConfigEvent {
  /** The execution input as the user gave it (run.json or `{ processingJobRequest }`). */
  readonly input: unknown;
  readonly execution: ExecutionInfo;
}

/** StageInputs' event. */
export interface StageInputsEvent {
  readonly run: NormalizedRun;
  readonly execution: ExecutionInfo;
}

/** A SageMaker CreateProcessingJob request, as the API takes it (PascalCase). */
export type CreateProcessingJobRequest = Record<string, unknown> & { readonly ProcessingJobName: string };

/** StageInputs' result: the run with its inputs snapshotted, and the job to start. */
export interface StagedRun {
  /** The run, its `analysisConfig` and `dataset` now pointing at the snapshots under `input/`. */
  readonly run: NormalizedRun;
  readonly clarifyJob: {
    readonly request: CreateProcessingJobRequest;
    readonly timeoutSeconds: number;
  };
}

/** The part of DescribeProcessingJob that RunClarifyJob keeps (its ResultSelector). */
export interface JobOutcome {
  readonly ProcessingJobName: string;
  readonly ProcessingJobStatus: string;
  readonly FailureReason?: string;
  readonly ExitMessage?: string;
}

/** CollectResults' event. */
export interface CollectResultsEvent {
  readonly mode: "collect";
  readonly run: NormalizedRun;
  readonly job: JobOutcome;
  readonly execution: ExecutionInfo;
}

/** One metric value that broke its gate. */
export interface GateBreach {
  readonly metric: string;
  readonly stage: "pre_training" | "post_training";
  readonly facet: string;
  readonly facetValue: string;
  readonly value: number | null;
  readonly gate: Gate;
  readonly message: string;
  /** The analysis-context warning (its code) that makes this gate fail whatever the value. */
  readonly warning?: string;
  /** The bounds that breached (absMax, min, max, maxDrift); absent when no value could be checked. */
  readonly breached?: readonly string[];
  /** The baseline's value and the drift from it, for a maxDrift gate. */
  readonly baseline?: number;
  readonly drift?: number;
  /** The value's bootstrap interval, when intervals.json has one. */
  readonly interval?: { readonly confidence: number; readonly low: number; readonly high: number };
}

/** CollectResults' result: compact enough for the execution payload. */
export interface Verdict {
  readonly passed: boolean;
  readonly breaches: readonly GateBreach[];
  readonly summaryUri: string;
  /** The run folder's report.html, when it was written (summary.json's `reportUri`). */
  readonly reportUri?: string;
  /** One line for people: "all 3 gates passed" or the first breach. */
  readonly message: string;
}

/** The execution data when a step failed: each Catch stores its error under `failure.<StepName>`. */
export interface RecordFailureEvent {
  readonly mode: "recordFailure";
  /** The whole execution data at the moment of failure (run.json, run, clarifyJob, failure, ...). */
  readonly state: Record<string, unknown>;
  /** The raw execution input (`$$.Execution.Input`): any JSON value, trusted for nothing but the failure location. */
  readonly input?: unknown;
  readonly execution: ExecutionInfo;
}

/** RecordFailure's result: the error the execution then fails with (the original one). */
export interface FailureRecordResult {
  readonly error: string;
  readonly cause: string;
  readonly summaryUri?: string;
}
