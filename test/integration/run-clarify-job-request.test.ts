/**
 * The CreateProcessingJob request RunClarifyJob sends, as the ASL builds it from what
 * stage-inputs rendered, checked two ways:
 *  - against the SageMaker API model the SDK ships (every field, at every depth, must be a
 *    member of its shape with the right type): Step Functions passes the JSON through as is,
 *    and SageMaker rejects a field its model does not have;
 *  - through moto's SageMaker over HTTP: the request is accepted and read back unchanged.
 */
import { readFileSync } from "node:fs";
import {
  CreateProcessingJobCommand,
  type CreateProcessingJobCommandInput,
  CreateProcessingJobRequest$,
  DescribeProcessingJobCommand,
  ListTagsCommand,
} from "@aws-sdk/client-sagemaker";
import { NormalizedSchema } from "@smithy/core/schema";
import { beforeAll, describe, expect, it } from "vitest";
import type {
  CreateProcessingJobRequest,
  NormalizedRun,
  StagedRun,
  StageInputsEvent,
} from "../../contracts/pipeline-state.ts";
import { renderProcessingJobRequest } from "../../lambdas/stage-inputs/processing-job-request.ts";
import {
  ARTIFACTS_BUCKET,
  CLARIFY_IMAGE_URI,
  DATA_BUCKET,
  executionInfo,
  JOB_ROLE_ARN,
  motoSkipReason,
  putText,
  useMoto,
} from "./moto-lambda-environment.ts";

type StageHandler = (event: StageInputsEvent) => Promise<StagedRun>;

const ASL_PATH = new URL("../../statemachine/clarify-pipeline.asl.json", import.meta.url);
/** Where RunClarifyJob finds each field of the request stage-inputs rendered. */
const REQUEST_PATH = /^\$\.clarifyJob\.request\.([A-Za-z]+)$/;

/** RunClarifyJob's Parameters: field name → JSONPath. */
function runClarifyJobParameters(): Record<string, string> {
  const definition = JSON.parse(readFileSync(ASL_PATH, "utf-8"));
  const parameters = definition.States.RunClarifyJob.Parameters as Record<string, string>;
  return Object.fromEntries(
    Object.entries(parameters).map(([key, path]) => [key.replace(/\.\$$/, ""), path]),
  );
}

/** The request as RunClarifyJob's Parameters build it from the staged state. */
function requestAsStepFunctionsSendsIt(request: CreateProcessingJobRequest): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(runClarifyJobParameters()).map(([field, path]) => {
      const source = REQUEST_PATH.exec(path)?.[1];
      if (!source || !(source in request)) {
        throw new Error(`RunClarifyJob.${field} reads ${path}, which the rendered request does not hold`);
      }
      return [field, request[source]];
    }),
  );
}

/** Every field of `value` that its schema lacks or whose type it contradicts, as `path: reason`. */
function modelViolations(value: unknown, schema: NormalizedSchema, path: string): string[] {
  if (schema.isStructSchema()) {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return [`${path}: not an object`];
    const members = new Map(schema.structIterator());
    return Object.entries(value).flatMap(([key, member]) => {
      const memberSchema = members.get(key);
      if (!memberSchema) return [`${path}.${key}: not a member of ${schema.getName()}`];
      return modelViolations(member, memberSchema, `${path}.${key}`);
    });
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return [`${path}: not a list`];
    return value.flatMap((item, index) =>
      modelViolations(item, schema.getValueSchema(), `${path}[${index}]`),
    );
  }
  if (schema.isMapSchema()) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: not a map`];
    return Object.entries(value).flatMap(([key, item]) =>
      modelViolations(item, schema.getValueSchema(), `${path}.${key}`),
    );
  }
  if (schema.isStringSchema() && typeof value !== "string") return [`${path}: not a string`];
  if (schema.isNumericSchema() && typeof value !== "number") return [`${path}: not a number`];
  if (schema.isBooleanSchema() && typeof value !== "boolean") return [`${path}: not a boolean`];
  return [];
}

/** A run using every optional job setting, so that every field the renderer can write is present. */
function fullRun(runId: string): NormalizedRun {
  return {
    runId,
    runName: "credit-model",
    runUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/${runId}/`,
    analysisConfig: { inline: { version: "1.0", dataset_type: "text/csv", label: "Target" } },
    dataset: { s3Uri: `s3://${DATA_BUCKET}/credit/train.csv`, s3DataType: "S3Prefix" },
    job: {
      instanceType: "ml.m5.2xlarge",
      instanceCount: 2,
      volumeSizeInGB: 50,
      volumeKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
      maxRuntimeInSeconds: 1800,
      imageUri: CLARIFY_IMAGE_URI,
      roleArn: JOB_ROLE_ARN,
      vpcConfig: { Subnets: ["subnet-0123456789abcdef0"], SecurityGroupIds: ["sg-0123456789abcdef0"] },
      tags: [{ Key: "team", Value: "risk" }],
      environment: { CLARIFY_LOG_LEVEL: "INFO" },
      outputKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/66666666-7777-8888-9999-000000000000",
    },
    gates: { CI: { absMax: 0.2 } },
    timeoutSeconds: 2700,
  };
}

describe("RunClarifyJob's request against the SageMaker API model", () => {
  it("passes every field of the rendered request, each from the same-named field", () => {
    // Prepare
    const request = renderProcessingJobRequest({
      run: fullRun("credit-model-exec-fields"),
      jobName: "clarify-credit-model-0123456789",
      analysisConfigUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/credit-model-exec-fields/input/analysis_config.json`,
      dataset: {
        s3Uri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/credit-model-exec-fields/input/dataset/`,
        s3DataType: "S3Prefix",
      },
    });

    // Act
    const parameters = runClarifyJobParameters();

    // Assess: a rendered field the ASL does not pass would be silently dropped.
    expect(Object.keys(parameters).sort()).toEqual(Object.keys(request).sort());
    for (const [field, path] of Object.entries(parameters)) {
      expect(path, `RunClarifyJob.${field}`).toBe(`$.clarifyJob.request.${field}`);
    }
  });

  it("holds only members of CreateProcessingJobRequest, at every depth, with the model's types", () => {
    // Prepare
    const request = renderProcessingJobRequest({
      run: fullRun("credit-model-exec-model"),
      jobName: "clarify-credit-model-0123456789",
      analysisConfigUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/credit-model-exec-model/input/analysis_config.json`,
      dataset: {
        s3Uri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/credit-model-exec-model/input/dataset/`,
        s3DataType: "S3Prefix",
      },
    });
    const model = NormalizedSchema.of(CreateProcessingJobRequest$);

    // Act
    const sent = requestAsStepFunctionsSendsIt(request);
    const violations = modelViolations(sent, model, "$");

    // Assess
    expect(violations).toEqual([]);
    expect(Object.keys(sent)).toEqual(
      expect.arrayContaining(["ProcessingJobName", "ProcessingResources", "AppSpecification", "RoleArn"]),
    );
  });

  it("reports a field the model does not have, so the check above can fail", () => {
    // Prepare
    const model = NormalizedSchema.of(CreateProcessingJobRequest$);
    const request = {
      ProcessingJobName: "clarify-x",
      ProcessingResources: {
        ClusterConfig: { InstanceCount: "1", InstanceType: "ml.c5.xlarge", VolumeSizeInGB: 30 },
      },
      NetworkConfig: {
        EnableNetworkIsolation: false,
        VpcConfig: { Subnets: ["subnet-1"], SecurityGroupIds: ["sg-1"], Extra: 1 },
      },
      EntryPoint: ["python"],
    };

    // Act
    const violations = modelViolations(request, model, "$");

    // Assess
    expect(violations).toEqual([
      "$.ProcessingResources.ClusterConfig.InstanceCount: not a number",
      "$.NetworkConfig.VpcConfig.Extra: not a member of VpcConfig",
      "$.EntryPoint: not a member of CreateProcessingJobRequest",
    ]);
  });
});

describe.skipIf(motoSkipReason !== undefined)("RunClarifyJob's request on moto's SageMaker", () => {
  const moto = useMoto();
  let stageInputs: StageHandler;

  beforeAll(async () => {
    ({ handler: stageInputs } = await import("../../lambdas/stage-inputs/index.ts"));
    await putText(moto().s3, `s3://${DATA_BUCKET}/credit/train.csv`, "Id,Sex,Target\n1,0,1\n2,1,0\n");
  });

  it("is accepted by CreateProcessingJob and read back unchanged by DescribeProcessingJob and ListTags", async () => {
    // Prepare
    const { sageMaker } = moto();
    const staged = await stageInputs({
      run: fullRun("credit-model-exec-moto"),
      execution: executionInfo("exec-moto"),
    });
    const sent = requestAsStepFunctionsSendsIt(staged.clarifyJob.request);

    // Act
    const created = await sageMaker.send(
      new CreateProcessingJobCommand(sent as unknown as CreateProcessingJobCommandInput),
    );
    const described = await sageMaker.send(
      new DescribeProcessingJobCommand({ ProcessingJobName: staged.clarifyJob.request.ProcessingJobName }),
    );
    const tags = await sageMaker.send(new ListTagsCommand({ ResourceArn: created.ProcessingJobArn }));

    // Assess: moto keeps neither ProcessingResources nor Environment; the model check above covers them.
    expect(created.ProcessingJobArn).toBe(
      `arn:aws:sagemaker:us-east-1:123456789012:processing-job/${staged.clarifyJob.request.ProcessingJobName}`,
    );
    expect(described).toMatchObject({
      ProcessingJobName: sent.ProcessingJobName,
      RoleArn: sent.RoleArn,
      AppSpecification: sent.AppSpecification,
      ProcessingInputs: sent.ProcessingInputs,
      ProcessingOutputConfig: sent.ProcessingOutputConfig,
      StoppingCondition: sent.StoppingCondition,
      NetworkConfig: sent.NetworkConfig,
      ProcessingJobStatus: "Completed",
    });
    expect(tags.Tags).toEqual(sent.Tags);
  });
});
