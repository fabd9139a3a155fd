import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { AwsSolutionsChecks } from "../../lib/private/cdk-nag.ts";
import { type SynthesizedPipeline, synthesizePipeline } from "./synth-pipeline.ts";
import { attachedStatements, inlineStatements, logicalIdOf, regionalArn } from "./template-helpers.ts";

const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-clarify-processing:1.0";
const JOB_ROLE_ARN = "arn:aws:iam::123456789012:role/team-clarify-job";

describe("ClarifyPipeline with an existing bucket, job role and image", () => {
  let synth: SynthesizedPipeline;
  beforeAll(() => {
    synth = synthesizePipeline({
      pipeline: {
        allowedInputBuckets: ["credit-data-bucket"],
        artifactsBucket: s3.Bucket.fromBucketName(new Stack(), "Artifacts", "team-artifacts"),
        jobRole: iam.Role.fromRoleArn(new Stack(), "JobRole", JOB_ROLE_ARN, { mutable: false }),
        clarifyImageUri: IMAGE,
        outputPrefix: "bias/runs/",
        jobNamePrefix: "credit-",
        defaultInstanceType: "ml.m5.2xlarge",
        defaultMaxRuntime: Duration.seconds(604_800),
        timeoutMargin: Duration.minutes(30),
        collectResultsMemorySize: 3008,
        logRetention: logs.RetentionDays.ONE_WEEK,
        removalPolicy: RemovalPolicy.DESTROY,
      },
    });
  });

  it("creates neither a bucket nor a SageMaker job role", () => {
    // Prepare
    const template = synth.template;

    // Act
    const buckets = template.findResources("AWS::S3::Bucket");
    const sagemakerRoles = template.findResources("AWS::IAM::Role", {
      Properties: {
        AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: "sagemaker.amazonaws.com" } }] },
      },
    });

    // Assess
    expect(Object.keys(buckets)).toEqual([]);
    expect(Object.keys(sagemakerRoles)).toEqual([]);
    expect(synth.template.toJSON().Mappings).toBeUndefined();
  });

  it("hands the settings to the functions as given, the max runtime at the 7-day limit", () => {
    // Prepare
    const functions = synth.template.findResources("AWS::Lambda::Function");

    // Act
    const variables = Object.values(functions).map((fn) => fn.Properties.Environment.Variables);

    // Assess
    for (const vars of variables) {
      expect(vars).toMatchObject({
        CLARIFY_DEFAULT_OUTPUT_URI: "s3://team-artifacts/bias/runs/",
        CLARIFY_ALLOWED_BUCKETS: "team-artifacts,credit-data-bucket",
        CLARIFY_DEFAULT_ROLE_ARN: JOB_ROLE_ARN,
        CLARIFY_IMAGE_URI: IMAGE,
        CLARIFY_DEFAULT_INSTANCE_TYPE: "ml.m5.2xlarge",
        CLARIFY_DEFAULT_MAX_RUNTIME_SECONDS: "604800",
        CLARIFY_TIMEOUT_MARGIN_SECONDS: "1800",
        CLARIFY_JOB_NAME_PREFIX: "credit-",
      });
      // The given role is the deployer's: what it may do is theirs to decide.
      expect(vars).not.toHaveProperty("CLARIFY_DEFAULT_ROLE_IS_BASIC");
    }
  });

  it("gives CollectResults the memory asked for", () => {
    // Prepare
    const id = logicalIdOf(synth.stack.pipeline.collectResultsFunction);

    // Act
    const fn = synth.template.findResources("AWS::Lambda::Function")[id];

    // Assess
    expect(fn?.Properties.MemorySize).toBe(3008);
  });

  it("scopes SageMaker to the custom job-name prefix and passes only the given role", () => {
    // Prepare
    const roleId = logicalIdOf(synth.stack.pipeline.stateMachine.role);

    // Act
    const statements = attachedStatements(synth.template, roleId);

    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(["sagemaker:CreateProcessingJob"]),
        Resource: regionalArn("sagemaker", "processing-job/credit-*"),
      }),
    );
    expect(statements.filter((statement) => statement.Action === "iam:PassRole")).toEqual([
      {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: JOB_ROLE_ARN,
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      },
    ]);
  });

  it("writes only below the custom output prefix of the existing bucket", () => {
    // Prepare
    const fn = synth.stack.pipeline.stageInputsFunction as lambda.Function;

    // Act
    const statements = inlineStatements(synth.template, logicalIdOf(fn.role as iam.IRole));

    // Assess
    expect(statements).toContainEqual({
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":s3:::team-artifacts/bias/runs/*"]] },
    });
  });

  it("keeps logs for the custom retention and deletes them with the stack", () => {
    // Prepare
    const logGroups = synth.template.findResources("AWS::Logs::LogGroup");

    // Act
    const settings = Object.values(logGroups).map((group) => [
      group.Properties.RetentionInDays,
      group.DeletionPolicy,
    ]);

    // Assess
    expect(settings).toEqual([
      [7, "Delete"],
      [7, "Delete"],
      [7, "Delete"],
      [7, "Delete"],
    ]);
  });

  it("still passes cdk-nag AwsSolutions", () => {
    // Prepare
    const checks = new AwsSolutionsChecks();

    // Act
    const report = checks.validateScope(synth.stack);

    // Assess
    expect(report.violations).toEqual([]);
  });
});

describe("ClarifyPipeline with an input bucket encrypted by a customer managed key", () => {
  const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  let synth: SynthesizedPipeline;
  beforeAll(() => {
    const imports = new Stack();
    synth = synthesizePipeline({
      pipeline: {
        allowedInputBuckets: [
          s3.Bucket.fromBucketAttributes(imports, "Input", {
            bucketName: "kms-data-bucket",
            encryptionKey: kms.Key.fromKeyArn(imports, "InputKey", KEY_ARN),
          }),
        ],
      },
    });
  });

  it("lets the steps that read inputs (collect-results: a baseline) decrypt with the bucket's key", () => {
    // Prepare
    const { pipeline } = synth.stack;
    const decryptsWithKey = (fn: lambda.IFunction) =>
      attachedStatements(synth.template, logicalIdOf(fn.role as iam.IRole)).some(
        (statement) => statement.Resource === KEY_ARN && [statement.Action].flat().includes("kms:Decrypt"),
      );

    // Act
    const steps = [
      pipeline.validateConfigFunction,
      pipeline.stageInputsFunction,
      pipeline.collectResultsFunction,
    ];

    // Assess
    expect(steps.map(decryptsWithKey)).toEqual([true, true, true]);
  });
});
