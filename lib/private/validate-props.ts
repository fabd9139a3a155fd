import { type Duration, Token } from "aws-cdk-lib";
import {
  GPU_INSTANCE_FAMILY_PATTERN,
  INSTANCE_TYPE_PATTERN,
  MAX_RUNTIME_SECONDS,
  MAX_VOLUME_SIZE_GB,
  PROCESSING_JOB_NAME_PATTERN,
} from "../../lambdas/shared/processing-job-api.ts";

/** The largest ML storage volume a processing job accepts. */
/** Longest job-name prefix: leaves room in the 63-character job name for a unique suffix. */
export const MAX_JOB_NAME_PREFIX_LENGTH = 32;
/** The margin covers provisioning and result upload; a day is already far beyond both. */
export const MAX_TIMEOUT_MARGIN_SECONDS = 86_400;

/** SageMaker names (jobs, models, model package groups) all follow the processing job name rule. */
export const SAGEMAKER_NAME: RegExp = PROCESSING_JOB_NAME_PATTERN;
/** The start of a SageMaker name: a letter or digit, then letters, digits and hyphens (it may end with one). */
export const SAGEMAKER_NAME_PREFIX = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
const OUTPUT_PREFIX = /^([A-Za-z0-9!_.*'()-]+\/)*$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The props checked at synth time, as the construct resolved them (defaults applied). */
export interface ValidatedSettings {
  readonly outputPrefix: string;
  readonly allowedInputBucketNames: readonly string[];
  readonly defaultInstanceType: string;
  readonly defaultInstanceCount: number;
  readonly defaultVolumeSizeInGB: number;
  readonly defaultMaxRuntime: Duration;
  readonly timeoutMargin: Duration;
  readonly jobNamePrefix: string;
  readonly collectResultsMemorySize: number;
}

/**
 * Every problem with the settings, one message each naming the prop, the value and the
 * rule. Values that are still tokens are only known at deploy time and are skipped.
 */
export function settingsProblems(settings: ValidatedSettings): string[] {
  const problems: string[] = [];
  const known = (value: string | number): boolean => !Token.isUnresolved(value);

  const { outputPrefix } = settings;
  if (known(outputPrefix) && !OUTPUT_PREFIX.test(outputPrefix)) {
    problems.push(
      `outputPrefix must be empty or a relative S3 key prefix of URL-safe segments each ending with "/" (e.g. "clarify-runs/"), got "${outputPrefix}"`,
    );
  }

  for (const bucketName of settings.allowedInputBucketNames) {
    if (known(bucketName) && !BUCKET_NAME.test(bucketName)) {
      problems.push(
        `allowedInputBuckets must hold S3 bucket names (3-63 lowercase letters, digits, dots and hyphens), got "${bucketName}"`,
      );
    }
  }

  const instanceType = settings.defaultInstanceType;
  if (known(instanceType)) {
    if (!INSTANCE_TYPE_PATTERN.test(instanceType)) {
      problems.push(
        `defaultInstanceType must look like "ml.<family>.<size>" (e.g. "ml.c5.xlarge"), got "${instanceType}"`,
      );
    } else if (GPU_INSTANCE_FAMILY_PATTERN.test(instanceType)) {
      problems.push(
        `defaultInstanceType "${instanceType}" is a GPU or accelerator instance type; SageMaker Clarify does not use GPUs, choose a CPU type such as "ml.c5.xlarge"`,
      );
    }
  }

  const count = settings.defaultInstanceCount;
  if (known(count) && !(Number.isInteger(count) && count >= 1)) {
    problems.push(`defaultInstanceCount must be a whole number of at least 1, got ${count}`);
  }

  const volume = settings.defaultVolumeSizeInGB;
  if (known(volume) && !(Number.isInteger(volume) && volume >= 1 && volume <= MAX_VOLUME_SIZE_GB)) {
    problems.push(
      `defaultVolumeSizeInGB must be a whole number from 1 to ${MAX_VOLUME_SIZE_GB}, got ${volume}`,
    );
  }

  if (!settings.defaultMaxRuntime.isUnresolved()) {
    const seconds = settings.defaultMaxRuntime.toSeconds();
    if (seconds < 1 || seconds > MAX_RUNTIME_SECONDS) {
      problems.push(
        `defaultMaxRuntime must be from 1 to ${MAX_RUNTIME_SECONDS} seconds (7 days, the SageMaker processing job limit), got ${seconds} seconds`,
      );
    }
  }

  const memory = settings.collectResultsMemorySize;
  if (known(memory) && !(Number.isInteger(memory) && memory >= 512 && memory <= 10_240)) {
    problems.push(
      `collectResultsMemorySize must be a whole number of MiB from 512 to 10240 (Lambda's largest), got ${memory}`,
    );
  }

  if (!settings.timeoutMargin.isUnresolved()) {
    const seconds = settings.timeoutMargin.toSeconds();
    if (seconds < 60 || seconds > MAX_TIMEOUT_MARGIN_SECONDS) {
      problems.push(
        `timeoutMargin must be from 60 to ${MAX_TIMEOUT_MARGIN_SECONDS} seconds (it covers instance provisioning and result upload), got ${seconds} seconds`,
      );
    }
  }

  const prefix = settings.jobNamePrefix;
  if (known(prefix)) {
    if (!SAGEMAKER_NAME_PREFIX.test(prefix)) {
      problems.push(
        `jobNamePrefix must start with a letter or digit and hold only letters, digits and hyphens (processing job names match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$), got "${prefix}"`,
      );
    } else if (prefix.length > MAX_JOB_NAME_PREFIX_LENGTH) {
      problems.push(
        `jobNamePrefix must be at most ${MAX_JOB_NAME_PREFIX_LENGTH} characters to leave room for a unique suffix in the 63-character job name, got "${prefix}" (${prefix.length} characters)`,
      );
    }
  }

  return problems;
}
