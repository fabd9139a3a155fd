/**
 * The environment a Lambda step gets from the ClarifyPipeline construct, pointed at a
 * moto server: each integration file starts its own server, stubs this environment, and
 * only then imports the handler under test, whose SDK clients find moto through the
 * standard AWS_ENDPOINT_URL variable.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, vi } from "vitest";
import type { ExecutionInfo } from "../../contracts/pipeline-state.ts";
import { SETTINGS_ENV } from "../../lambdas/shared/settings.ts";
import { type MotoServer, motoSkipReason, startMotoServer } from "../support/moto-server.ts";

export { motoSkipReason };

/** Where run inputs live. */
export const DATA_BUCKET = "clarify-data";
/** The deployment's artifacts bucket, where run folders go. */
export const ARTIFACTS_BUCKET = "clarify-artifacts";

export const JOB_ROLE_ARN = "arn:aws:iam::123456789012:role/ClarifyJobRole";
export const CLARIFY_IMAGE_URI =
  "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0";

/** The variables the construct sets (SETTINGS_ENV), the dummy credentials and the moto endpoint. */
export function lambdaEnvironment(endpoint: string): Record<string, string> {
  return {
    [SETTINGS_ENV.region]: "us-east-1",
    [SETTINGS_ENV.defaultOutputUri]: `s3://${ARTIFACTS_BUCKET}/clarify-runs/`,
    [SETTINGS_ENV.allowedBuckets]: `${DATA_BUCKET},${ARTIFACTS_BUCKET}`,
    [SETTINGS_ENV.defaultRoleArn]: JOB_ROLE_ARN,
    [SETTINGS_ENV.clarifyImageUri]: CLARIFY_IMAGE_URI,
    [SETTINGS_ENV.defaultInstanceType]: "ml.c5.xlarge",
    [SETTINGS_ENV.defaultInstanceCount]: "1",
    [SETTINGS_ENV.defaultVolumeSizeInGB]: "30",
    [SETTINGS_ENV.defaultMaxRuntimeInSeconds]: "3600",
    [SETTINGS_ENV.timeoutMarginSeconds]: "900",
    [SETTINGS_ENV.jobNamePrefix]: "clarify-",
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_SESSION_TOKEN: "testing",
    AWS_ENDPOINT_URL: endpoint,
  };
}

/** An execution as the state machine's Context Object describes it. */
export function executionInfo(name: string): ExecutionInfo {
  return {
    name,
    id: `arn:aws:states:us-east-1:123456789012:execution:clarify-pipeline:${name}`,
    startTime: "2026-01-01T00:00:00.000Z",
  };
}

/** What a test file gets once moto runs: the server and clients of its own (not the handler's). */
export interface MotoContext {
  readonly server: MotoServer;
  readonly s3: S3Client;
  readonly sageMaker: SageMakerClient;
}

/**
 * Registers the hooks that start moto with both buckets, stub the Lambda environment,
 * and stop everything after the file. Returns a getter valid inside tests.
 */
export function useMoto(): () => MotoContext {
  let server: MotoServer | undefined;
  let context: MotoContext | undefined;
  beforeAll(async () => {
    server = await startMotoServer();
    for (const [name, value] of Object.entries(lambdaEnvironment(server.endpoint))) vi.stubEnv(name, value);
    // A developer's own settings must not send the handlers elsewhere.
    vi.stubEnv("AWS_PROFILE", undefined);
    vi.stubEnv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", undefined);
    const s3 = new S3Client({});
    for (const bucket of [DATA_BUCKET, ARTIFACTS_BUCKET])
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    context = { server, s3, sageMaker: new SageMakerClient({}) };
  });
  afterAll(async () => {
    context?.s3.destroy();
    context?.sageMaker.destroy();
    await server?.stop();
    vi.unstubAllEnvs();
  });
  return () => {
    if (!context) throw new Error("moto is not running: call useMoto() at the top of the file");
    return context;
  };
}

/** Splits `s3://bucket/key`. */
export function bucketAndKey(uri: string): { Bucket: string; Key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`not an S3 object URI: ${uri}`);
  return { Bucket: match[1] as string, Key: match[2] as string };
}

export async function putText(s3: S3Client, uri: string, body: string | Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ ...bucketAndKey(uri), Body: body }));
}

export async function getText(s3: S3Client, uri: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand(bucketAndKey(uri)));
  return (await object.Body?.transformToString("utf-8")) ?? "";
}
