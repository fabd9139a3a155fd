/** The deployment settings of a local run: local buckets, a dummy role, the us-east-1 Clarify image. */
import { clarifyImageUri } from "../lambdas/shared/clarify-image.ts";
import { type DeploymentSettings, type EngineKind, SETTINGS_DEFAULTS } from "../lambdas/shared/settings.ts";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./definition-adapter.ts";

/** Bucket the runner stages run.json's local files into. */
export const LOCAL_INPUT_BUCKET = "local-inputs";

/** Bucket the run folders go to. */
export const LOCAL_ARTIFACT_BUCKET = "local-artifacts";

/** Where run folders go when run.json has no `outputUri`. */
export const LOCAL_DEFAULT_OUTPUT_URI = `s3://${LOCAL_ARTIFACT_BUCKET}/clarify-runs/`;

/** Job role of local runs; nothing checks it, SageMaker would. */
export const LOCAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/clarify-local`;

/**
 * The builtin engine's image in local runs: what a `-c engine=builtin` deployment pulls from its
 * ECR. Locally, every job's container is the engine's entrypoint run as a child process.
 */
export const LOCAL_BUILTIN_IMAGE_URI = `${LOCAL_ACCOUNT}.dkr.ecr.${LOCAL_REGION}.amazonaws.com/clarify-pipeline-engine:local`;

/** The settings that make a local run behave as a deployment of `engine` would: its image, its rules. */
export function localEngineSettings(engine: EngineKind): Partial<DeploymentSettings> {
  return engine === "builtin" ? { engine, clarifyImageUri: LOCAL_BUILTIN_IMAGE_URI } : { engine };
}

export function localDeploymentSettings(overrides: Partial<DeploymentSettings> = {}): DeploymentSettings {
  const imageUri = clarifyImageUri(LOCAL_REGION);
  if (!imageUri) throw new Error(`no Clarify image is known for ${LOCAL_REGION}`);
  return {
    region: LOCAL_REGION,
    defaultOutputUri: LOCAL_DEFAULT_OUTPUT_URI,
    allowedBuckets: [LOCAL_INPUT_BUCKET, LOCAL_ARTIFACT_BUCKET],
    defaultRoleArn: LOCAL_ROLE_ARN,
    clarifyImageUri: imageUri,
    ...SETTINGS_DEFAULTS,
    ...overrides,
  };
}
