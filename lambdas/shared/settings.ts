/**
 * Which engine the deployment's jobs run: the SageMaker Clarify image (`clarify`), or the
 * project's own engine image (`builtin`, container/), for accounts without Clarify access.
 */
export type EngineKind = "clarify" | "builtin";

export const ENGINE_KINDS: readonly EngineKind[] = ["clarify", "builtin"];

/**
 * Deployment settings of the Lambda steps. In AWS they come from the functions'
 * environment (set by the ClarifyPipeline construct); the local runtime builds them directly.
 */
export interface DeploymentSettings {
  /** AWS region the jobs run in; S3 buckets must be in it too. */
  readonly region: string;
  /** Where run folders go when run.json has no `outputUri`, e.g. `s3://artifacts/clarify-runs/`. */
  readonly defaultOutputUri: string;
  /** Buckets a run may read from or write to (the confused-deputy guard). */
  readonly allowedBuckets: readonly string[];
  /** Job role used when run.json gives none. */
  readonly defaultRoleArn: string;
  /** Container image used when run.json gives none: the Clarify image, or the builtin engine's. */
  readonly clarifyImageUri: string;
  /**
   * The engine the image runs; it decides which image a run may name and which analyses it may request.
   * @default "clarify"
   */
  readonly engine?: EngineKind;
  readonly defaultInstanceType: string;
  readonly defaultInstanceCount: number;
  readonly defaultVolumeSizeInGB: number;
  readonly defaultMaxRuntimeInSeconds: number;
  /** Added to MaxRuntimeInSeconds for RunClarifyJob's state timeout (provisioning, upload). */
  readonly timeoutMarginSeconds: number;
  /** Every job name starts with this; the state machine's IAM policy is scoped to it. */
  readonly jobNamePrefix: string;
  /**
   * The default job role is the one the construct created, which may not use a VPC or KMS keys:
   * runs that need them with the default role are refused. @default false
   */
  readonly defaultRoleIsBasic?: boolean;
}

/** Environment variable names, shared with the CDK construct that sets them. */
export const SETTINGS_ENV = {
  region: "AWS_REGION",
  defaultOutputUri: "CLARIFY_DEFAULT_OUTPUT_URI",
  allowedBuckets: "CLARIFY_ALLOWED_BUCKETS",
  defaultRoleArn: "CLARIFY_DEFAULT_ROLE_ARN",
  clarifyImageUri: "CLARIFY_IMAGE_URI",
  defaultInstanceType: "CLARIFY_DEFAULT_INSTANCE_TYPE",
  defaultInstanceCount: "CLARIFY_DEFAULT_INSTANCE_COUNT",
  defaultVolumeSizeInGB: "CLARIFY_DEFAULT_VOLUME_SIZE_GB",
  defaultMaxRuntimeInSeconds: "CLARIFY_DEFAULT_MAX_RUNTIME_SECONDS",
  timeoutMarginSeconds: "CLARIFY_TIMEOUT_MARGIN_SECONDS",
  jobNamePrefix: "CLARIFY_JOB_NAME_PREFIX",
  defaultRoleIsBasic: "CLARIFY_DEFAULT_ROLE_IS_BASIC",
  engine: "CLARIFY_ENGINE",
} as const satisfies Record<keyof DeploymentSettings, string>;

/**
 * The CollectResults function's memory when the deployment does not set it (ClarifyPipeline's
 * `collectResultsMemorySize`): twice the other steps', for the merge of several instances' counts.
 * `run --local` merges within the limit a function of this size has.
 */
export const DEFAULT_COLLECT_RESULTS_MEMORY_MIB = 1024;

/** Defaults for the optional settings. */
export const SETTINGS_DEFAULTS = {
  defaultInstanceType: "ml.c5.xlarge",
  defaultInstanceCount: 1,
  defaultVolumeSizeInGB: 30,
  defaultMaxRuntimeInSeconds: 3600,
  timeoutMarginSeconds: 3600,
  jobNamePrefix: "clarify-",
} as const;

/** Reads the settings from a Lambda environment; throws naming the missing variable. */
export function settingsFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): DeploymentSettings {
  const required = (key: keyof typeof SETTINGS_ENV): string => {
    const value = env[SETTINGS_ENV[key]];
    if (!value) throw new Error(`environment variable ${SETTINGS_ENV[key]} is not set`);
    return value;
  };
  const integer = (key: keyof typeof SETTINGS_DEFAULTS & keyof typeof SETTINGS_ENV): number => {
    const raw = env[SETTINGS_ENV[key]];
    if (raw === undefined || raw === "") return SETTINGS_DEFAULTS[key] as number;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`environment variable ${SETTINGS_ENV[key]} must be a positive integer, got "${raw}"`);
    }
    return value;
  };
  const engine = env[SETTINGS_ENV.engine] || "clarify";
  if (!(ENGINE_KINDS as readonly string[]).includes(engine)) {
    throw new Error(
      `environment variable ${SETTINGS_ENV.engine} must be one of ${ENGINE_KINDS.join(", ")}, got "${engine}"`,
    );
  }
  return {
    region: required("region"),
    defaultOutputUri: required("defaultOutputUri"),
    allowedBuckets: required("allowedBuckets")
      .split(",")
      .map((bucket) => bucket.trim())
      .filter(Boolean),
    defaultRoleArn: required("defaultRoleArn"),
    clarifyImageUri: required("clarifyImageUri"),
    defaultInstanceType: env[SETTINGS_ENV.defaultInstanceType] || SETTINGS_DEFAULTS.defaultInstanceType,
    defaultInstanceCount: integer("defaultInstanceCount"),
    defaultVolumeSizeInGB: integer("defaultVolumeSizeInGB"),
    defaultMaxRuntimeInSeconds: integer("defaultMaxRuntimeInSeconds"),
    timeoutMarginSeconds: integer("timeoutMarginSeconds"),
    jobNamePrefix: env[SETTINGS_ENV.jobNamePrefix] || SETTINGS_DEFAULTS.jobNamePrefix,
    ...(env[SETTINGS_ENV.defaultRoleIsBasic] === "true" ? { defaultRoleIsBasic: true } : {}),
    engine: engine as EngineKind,
  };
}
