import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import type * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { EVENT_BUS_ENV } from "../../lambdas/shared/run-events.ts";
import { SETTINGS_ENV } from "../../lambdas/shared/settings.ts";
import { DEFINITION_PATH } from "../../lib/clarify-pipeline.ts";
import { INPUT_BUCKET, type SynthesizedPipeline, synthesizePipeline } from "./synth-pipeline.ts";
import {
  attachedStatements,
  inlineStatements,
  logicalIdOf,
  namedBucketArn,
  objectArn,
  regionalArn,
} from "./template-helpers.ts";

let synth: SynthesizedPipeline;
let ids: {
  artifactsBucket: string;
  accessLogsBucket: string;
  jobRole: string;
  validateConfig: string;
  stageInputs: string;
  collectResults: string;
  stateMachineRole: string;
  stateMachineLogs: string;
};

beforeAll(() => {
  synth = synthesizePipeline();
  const { pipeline } = synth.stack;
  ids = {
    artifactsBucket: logicalIdOf(pipeline.artifactsBucket),
    accessLogsBucket: logicalIdOf(pipeline.node.findChild("AccessLogsBucket")),
    jobRole: logicalIdOf(pipeline.jobRole),
    validateConfig: logicalIdOf(pipeline.validateConfigFunction),
    stageInputs: logicalIdOf(pipeline.stageInputsFunction),
    collectResults: logicalIdOf(pipeline.collectResultsFunction),
    stateMachineRole: logicalIdOf(pipeline.stateMachine.role),
    stateMachineLogs: logicalIdOf(pipeline.stateMachineLogGroup),
  };
});

const functionArn = (logicalId: string) => ({ "Fn::GetAtt": [logicalId, "Arn"] });
const functionRoleId = (fn: { role?: iam.IRole }) => logicalIdOf(fn.role as iam.IRole);
const PROCESSING_JOBS = regionalArn("sagemaker", "processing-job/clarify-*");

describe("state machine", () => {
  it("is a STANDARD machine defined by the shared ASL file, traced and logging ALL events without execution data", () => {
    // Prepare
    const logGroupArn = { "Fn::GetAtt": [ids.stateMachineLogs, "Arn"] };

    // Act
    const machines = synth.template.findResources("AWS::StepFunctions::StateMachine");

    // Assess
    expect(Object.keys(machines)).toHaveLength(1);
    synth.template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineType: "STANDARD",
      DefinitionS3Location: { Bucket: Match.anyValue(), Key: Match.stringLikeRegexp("\\.json$") },
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: "ALL",
        // Inputs, outputs and causes can quote dataset values (validation problems quote the header
        // and first records): they stay out of the log group.
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: logGroupArn } }],
      },
    });
  });

  it("substitutes every placeholder of the definition file, and nothing else", () => {
    // Prepare
    const definition = readFileSync(DEFINITION_PATH, "utf8");
    const placeholders = new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]));

    // Act
    const [machine] = Object.values(synth.template.findResources("AWS::StepFunctions::StateMachine"));
    const substitutions = machine?.Properties.DefinitionSubstitutions as Record<string, unknown>;

    // Assess
    expect(placeholders.size).toBeGreaterThan(0);
    expect(new Set(Object.keys(substitutions))).toEqual(placeholders);
    expect(substitutions).toEqual({
      ValidateConfigFunctionArn: functionArn(ids.validateConfig),
      StageInputsFunctionArn: functionArn(ids.stageInputs),
      CollectResultsFunctionArn: functionArn(ids.collectResults),
    });
  });

  it("ships the definition file byte for byte as its S3 asset", () => {
    // Prepare
    const [machine] = Object.values(synth.template.findResources("AWS::StepFunctions::StateMachine"));
    const key = String(machine?.Properties.DefinitionS3Location.Key);

    // Act
    const shipped = readFileSync(join(synth.assemblyDir, `asset.${key}`), "utf8");

    // Assess
    expect(shipped).toBe(readFileSync(DEFINITION_PATH, "utf8"));
  });

  it("keeps its execution log for the log retention (one month by default)", () => {
    // Prepare
    const logGroups = synth.template.findResources("AWS::Logs::LogGroup");

    // Act
    const stateMachineLogs = logGroups[ids.stateMachineLogs];

    // Assess
    expect(stateMachineLogs?.Properties).toEqual({ RetentionInDays: 30 });
    expect(stateMachineLogs?.DeletionPolicy).toBe("Retain");
  });
});

describe("state machine role", () => {
  it("trusts Step Functions for state machines of this account only", () => {
    // Prepare
    const role = synth.template.toJSON().Resources[ids.stateMachineRole];

    // Act
    const [trust] = role.Properties.AssumeRolePolicyDocument.Statement;

    // Assess
    expect(trust.Principal).toEqual({ Service: "states.amazonaws.com" });
    expect(trust.Condition.StringEquals).toEqual({ "aws:SourceAccount": { Ref: "AWS::AccountId" } });
  });

  it("holds exactly the logging, tracing, invoke, processing-job, .sync rule and PassRole statements", () => {
    // Prepare
    const expected = [
      {
        Effect: "Allow",
        Action: [
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: "lambda:InvokeFunction",
        Resource: [ids.validateConfig, ids.stageInputs, ids.collectResults].flatMap((id) => [
          functionArn(id),
          { "Fn::Join": ["", [functionArn(id), ":*"]] },
        ]),
      },
      {
        Effect: "Allow",
        Action: [
          "sagemaker:CreateProcessingJob",
          "sagemaker:DescribeProcessingJob",
          "sagemaker:StopProcessingJob",
          "sagemaker:AddTags",
          "sagemaker:ListTags",
        ],
        Resource: PROCESSING_JOBS,
      },
      {
        Effect: "Allow",
        Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        Resource: regionalArn("events", "rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule"),
      },
      {
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: { "Fn::GetAtt": [ids.jobRole, "Arn"] },
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      },
    ];

    // Act
    const statements = attachedStatements(synth.template, ids.stateMachineRole);

    // Assess
    expect(statements).toEqual(expected);
    expect(inlineStatements(synth.template, ids.stateMachineRole)).toEqual([]);
  });
});

describe("step functions (Lambda)", () => {
  const steps = () => [
    { name: "validate-config", id: ids.validateConfig, fn: synth.stack.pipeline.validateConfigFunction },
    { name: "stage-inputs", id: ids.stageInputs, fn: synth.stack.pipeline.stageInputsFunction },
    { name: "collect-results", id: ids.collectResults, fn: synth.stack.pipeline.collectResultsFunction },
  ];

  it("run on the newest Node runtime, ARM64, with source maps enabled", () => {
    // Prepare
    const functions = synth.template.findResources("AWS::Lambda::Function");

    // Act
    const properties = steps().map(({ id }) => functions[id]?.Properties);

    // Assess
    expect(Object.keys(functions)).toHaveLength(3);
    for (const props of properties) {
      expect(props).toMatchObject({
        Runtime: "nodejs24.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        Environment: { Variables: { NODE_OPTIONS: "--enable-source-maps" } },
      });
    }
  });

  it("use the newest Node.js runtime this aws-cdk-lib knows", () => {
    // Prepare
    const nodeVersions = Object.keys(lambda.Runtime)
      .map((name) => /^NODEJS_(\d+)_X$/.exec(name)?.[1])
      .filter((version) => version !== undefined)
      .map(Number);

    // Act
    const newest = `nodejs${Math.max(...nodeVersions)}.x`;

    // Assess
    expect(synth.stack.pipeline.validateConfigFunction.runtime.name).toBe(newest);
    expect(newest).toBe("nodejs24.x");
  });

  it("stay within the state timeouts of the definition (ValidateConfig 120 s, StageInputs 960 s, RecordFailure 120 s)", () => {
    // Prepare
    const functions = synth.template.findResources("AWS::Lambda::Function");

    // Act
    const timeouts = steps().map(({ id }) => functions[id]?.Properties.Timeout);

    // Assess
    expect(timeouts).toEqual([100, 900, 100]);
  });

  it("get 512, 1024 and 1024 MiB: CollectResults twice the validation's, for the merge of several instances' counts", () => {
    // Prepare
    const functions = synth.template.findResources("AWS::Lambda::Function");

    // Act
    const memory = steps().map(({ id }) => functions[id]?.Properties.MemorySize);

    // Assess
    expect(memory).toEqual([512, 1024, 1024]);
  });

  it("get every deployment setting but the reserved AWS_REGION", () => {
    // Prepare
    const functions = synth.template.findResources("AWS::Lambda::Function");
    const settingNames = Object.values(SETTINGS_ENV).filter((name) => name !== "AWS_REGION");

    // Act
    const variables = steps().map(({ id }) => functions[id]?.Properties.Environment.Variables);

    // Assess: collect-results also names the bus of its run events.
    for (const [index, vars] of variables.entries()) {
      const extra = steps()[index]?.name === "collect-results" ? [EVENT_BUS_ENV] : [];
      expect(Object.keys(vars).sort()).toEqual([...settingNames, "NODE_OPTIONS", ...extra].sort());
      expect(vars).toMatchObject({
        CLARIFY_DEFAULT_OUTPUT_URI: {
          "Fn::Join": ["", ["s3://", { Ref: ids.artifactsBucket }, "/clarify-runs/"]],
        },
        CLARIFY_ALLOWED_BUCKETS: { "Fn::Join": ["", [{ Ref: ids.artifactsBucket }, `,${INPUT_BUCKET}`]] },
        CLARIFY_DEFAULT_ROLE_ARN: { "Fn::GetAtt": [ids.jobRole, "Arn"] },
        CLARIFY_DEFAULT_INSTANCE_TYPE: "ml.c5.xlarge",
        CLARIFY_DEFAULT_INSTANCE_COUNT: "1",
        CLARIFY_DEFAULT_VOLUME_SIZE_GB: "30",
        CLARIFY_DEFAULT_MAX_RUNTIME_SECONDS: "3600",
        CLARIFY_TIMEOUT_MARGIN_SECONDS: "3600",
        CLARIFY_JOB_NAME_PREFIX: "clarify-",
        // The created job role has no VPC or KMS permissions: runs needing them are refused.
        CLARIFY_DEFAULT_ROLE_IS_BASIC: "true",
      });
    }
    expect(variables[2]).toMatchObject({ [EVENT_BUS_ENV]: "default" });
  });

  it("log to their own log group with one month retention", () => {
    // Prepare
    const functions = synth.template.findResources("AWS::Lambda::Function");
    const logGroups = synth.template.findResources("AWS::Logs::LogGroup");

    // Act
    const logGroupIds = steps().map(
      ({ id }) => functions[id]?.Properties.LoggingConfig.LogGroup.Ref as string,
    );

    // Assess
    expect(new Set(logGroupIds).size).toBe(3);
    for (const logGroupId of logGroupIds)
      expect(logGroups[logGroupId]?.Properties).toEqual({ RetentionInDays: 30 });
  });

  it("are bundled as minified ESM with the createRequire banner and a source map", () => {
    // Prepare
    const functions = synth.template.findResources("AWS::Lambda::Function");

    const assetDir = (id: string) => {
      const key = String(functions[id]?.Properties.Code.S3Key).replace(/\.zip$/, "");
      return join(synth.assemblyDir, `asset.${key}`);
    };

    // Act
    const bundles = steps().map(({ id }) => readdirSync(assetDir(id)).sort());
    const firstKey = assetDir(ids.validateConfig);
    const code = readFileSync(join(firstKey, "index.mjs"), "utf8");

    // Assess
    for (const files of bundles) expect(files).toEqual(["index.mjs", "index.mjs.map"]);
    expect(
      code.startsWith(
        "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
    expect(code).toContain("//# sourceMappingURL=index.mjs.map");
    // Minified: no statement sits on its own indented line.
    expect(code).not.toMatch(/\n[ \t]+(const|let|return|await|if) /);
  });

  it("each trust Lambda and may write only to their own log group", () => {
    // Prepare
    const roles = synth.template.toJSON().Resources;

    // Act
    const checked = steps().map(({ id, fn }) => {
      const roleId = functionRoleId(fn);
      const logGroupId =
        synth.template.findResources("AWS::Lambda::Function")[id]?.Properties.LoggingConfig.LogGroup.Ref;
      return { roleId, logGroupId, first: inlineStatements(synth.template, roleId)[0] };
    });

    // Assess
    for (const { roleId, logGroupId, first } of checked) {
      expect(roles[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } },
      ]);
      expect(roles[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      expect(first).toEqual({
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: { "Fn::GetAtt": [logGroupId, "Arn"] },
      });
      expect(attachedStatements(synth.template, roleId)).toEqual([]);
    }
  });
});

describe("step function permissions", () => {
  const inputList = () => ({
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: namedBucketArn(INPUT_BUCKET),
  });
  const inputRead = () => ({
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: namedBucketArn(`${INPUT_BUCKET}/*`),
  });
  const outputList = () => ({
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: { "Fn::GetAtt": [ids.artifactsBucket, "Arn"] },
    Condition: { StringLike: { "s3:prefix": ["clarify-runs/*"] } },
  });
  const outputRead = () => ({
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: objectArn(ids.artifactsBucket, "clarify-runs/*"),
  });
  const outputWrite = () => ({
    Effect: "Allow",
    Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
    Resource: objectArn(ids.artifactsBucket, "clarify-runs/*"),
  });
  const afterLogging = (fn: { role?: iam.IRole }) =>
    inlineStatements(synth.template, functionRoleId(fn)).slice(1);

  it("validate-config may only list and read the allowed input buckets and the run folders, and locate the allowed buckets", () => {
    // Prepare
    const fn = synth.stack.pipeline.validateConfigFunction;

    // Act
    const statements = afterLogging(fn);

    // Assess
    expect(statements).toEqual([
      inputList(),
      inputRead(),
      outputList(),
      outputRead(),
      {
        Effect: "Allow",
        Action: "s3:GetBucketLocation",
        Resource: [namedBucketArn(INPUT_BUCKET), { "Fn::GetAtt": [ids.artifactsBucket, "Arn"] }],
      },
    ]);
  });

  it("stage-inputs reads the allowed buckets and reads/writes only below the output prefix", () => {
    // Prepare
    const fn = synth.stack.pipeline.stageInputsFunction;

    // Act
    const statements = afterLogging(fn);

    // Assess
    expect(statements).toEqual([inputList(), inputRead(), outputList(), outputRead(), outputWrite()]);
  });

  it("collect-results lists/reads/writes below the output prefix (earlier runs for drift), only reads the input buckets (a baseline), describes the pipeline's jobs only and sends only its run events", () => {
    // Prepare
    const fn = synth.stack.pipeline.collectResultsFunction;

    // Act
    const statements = afterLogging(fn);

    // Assess
    expect(statements).toEqual([
      outputList(),
      outputRead(),
      outputWrite(),
      inputRead(),
      { Effect: "Allow", Action: "sagemaker:DescribeProcessingJob", Resource: PROCESSING_JOBS },
      {
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: regionalArn("events", "event-bus/default"),
        Condition: {
          StringEquals: {
            "events:source": "clarify-pipeline",
            "events:detail-type": ["Clarify Run Succeeded", "Clarify Bias Gate Failed", "Clarify Run Failed"],
          },
        },
      },
    ]);
  });

  it("the default Clarify job role trusts SageMaker and holds exactly the job's statements", () => {
    // Prepare
    const imageAccount = { "Fn::FindInMap": [Match.anyValue(), { Ref: "AWS::Region" }, "account"] };
    const logGroup = "log-group:/aws/sagemaker/ProcessingJobs";

    // Act
    const role = synth.template.toJSON().Resources[ids.jobRole];
    const statements = inlineStatements(synth.template, ids.jobRole);

    // Assess
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(statements.slice(0, -1)).toEqual([
      inputList(),
      inputRead(),
      outputList(),
      outputRead(),
      outputWrite(),
      {
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:DescribeLogStreams"],
        Resource: regionalArn("logs", logGroup),
      },
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: regionalArn("logs", `${logGroup}:log-stream:*`),
      },
      { Effect: "Allow", Action: "sagemaker:ListTags", Resource: PROCESSING_JOBS },
      {
        Effect: "Allow",
        Action: [
          "sagemaker:CreateEndpointConfig",
          "sagemaker:CreateEndpoint",
          "sagemaker:AddTags",
          "sagemaker:DescribeEndpoint",
          "sagemaker:InvokeEndpoint",
          "sagemaker:DeleteEndpoint",
          "sagemaker:DeleteEndpointConfig",
        ],
        Resource: [
          regionalArn("sagemaker", "endpoint/sm-clarify-*"),
          regionalArn("sagemaker", "endpoint-config/sm-clarify-*"),
        ],
      },
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    ]);
    expect(statements.at(-1)).toEqual({
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: {
        "Fn::Join": [
          "",
          [
            "arn:",
            { Ref: "AWS::Partition" },
            ":ecr:",
            { Ref: "AWS::Region" },
            ":",
            expect.objectContaining({ "Fn::FindInMap": expect.any(Array) }),
            ":repository/sagemaker-clarify-processing",
          ],
        ],
      },
    });
    synth.template.hasResourceProperties("AWS::IAM::Role", {
      Policies: [
        {
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Resource: { "Fn::Join": ["", Match.arrayWith([imageAccount])] } }),
            ]),
          },
        },
      ],
    });
  });
});

describe("artifacts bucket", () => {
  it("is encrypted, versioned, private, logs access to the access-log bucket and drops a dead upload's parts", () => {
    // Prepare
    const resources = synth.template.toJSON().Resources;

    // Act
    const bucket = resources[ids.artifactsBucket];

    // Assess
    expect(bucket.DeletionPolicy).toBe("Retain");
    expect(bucket.Properties).toEqual({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      LifecycleConfiguration: {
        Rules: [
          {
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Id: "AbortIncompleteMultipartUploads",
            Status: "Enabled",
          },
        ],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: ids.accessLogsBucket },
        LogFilePrefix: "artifacts/",
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
    });
  });

  it.each([
    ["artifacts", () => ids.artifactsBucket],
    ["access-log", () => ids.accessLogsBucket],
  ])("the %s bucket policy denies every request without TLS", (_name, bucketId) => {
    // Prepare
    const id = bucketId();

    // Act
    const policies = synth.template.findResources("AWS::S3::BucketPolicy", {
      Properties: { Bucket: { Ref: id } },
    });

    // Assess
    expect(Object.values(policies)).toHaveLength(1);
    expect(Object.values(policies)[0]?.Properties.PolicyDocument.Statement).toContainEqual({
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
      Effect: "Deny",
      Principal: { AWS: "*" },
      Resource: [{ "Fn::GetAtt": [id, "Arn"] }, { "Fn::Join": ["", [{ "Fn::GetAtt": [id, "Arn"] }, "/*"]] }],
    });
  });

  it("the access-log bucket admits S3 log delivery for the artifacts bucket only", () => {
    // Prepare
    const id = ids.accessLogsBucket;

    // Act
    const [policy] = Object.values(
      synth.template.findResources("AWS::S3::BucketPolicy", { Properties: { Bucket: { Ref: id } } }),
    );

    // Assess
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Action: "s3:PutObject",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Condition: expect.objectContaining({
          ArnLike: { "aws:SourceArn": { "Fn::GetAtt": [ids.artifactsBucket, "Arn"] } },
        }),
      }),
    );
  });
});

describe("stack outputs", () => {
  it("give the state machine ARN, the artifacts bucket name and the alarm topic ARN", () => {
    // Prepare
    const outputs = synth.template.toJSON().Outputs;

    // Act
    const values = Object.fromEntries(
      Object.entries(outputs).map(([name, output]) => [name, (output as { Value: unknown }).Value]),
    );

    // Assess
    expect(values).toEqual({
      StateMachineArn: { Ref: logicalIdOf(synth.stack.pipeline.stateMachine) },
      ArtifactsBucketName: { Ref: ids.artifactsBucket },
      AlarmTopicArn: { Ref: logicalIdOf(synth.stack.monitoring.alarmTopic) },
    });
  });
});
