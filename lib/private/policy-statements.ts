/**
 * Every IAM statement of the pipeline, built in one place per principal (in the spirit of
 * aws-stepfunctions-tasks' `makePolicyStatements()`), so what each role may do is read
 * and tested here rather than scattered across grant calls.
 */
import { Aws, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import type { WildcardJustification } from "./acknowledge-wildcards.ts";

/** The rule Step Functions manages for `createProcessingJob.sync` to learn of job state changes. */
export const SYNC_EVENTS_RULE_NAME = "StepFunctionsGetEventsForSageMakerProcessingJobsRule";
/**
 * Prefix Clarify gives the shadow endpoint (and endpoint config) it creates for a `model_name`
 * predictor; the builtin engine names its shadow endpoints the same way (engine/explain/model/shadow-endpoint.ts).
 */
export const CLARIFY_SHADOW_ENDPOINT_PREFIX = "sm-clarify-";
/** Log group every SageMaker processing job writes to. */
export const PROCESSING_JOB_LOG_GROUP = "/aws/sagemaker/ProcessingJobs";

/** Object-level actions that put an object, including multipart uploads and server-side copies. */
const S3_WRITE_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** Where the pipeline reads and writes in S3. */
export interface S3Scope {
  /** ARNs of the buckets runs may read inputs from. */
  readonly inputBucketArns: readonly string[];
  /** ARN of the bucket run folders are written to. */
  readonly outputBucketArn: string;
  /** Key prefix of the run folders, e.g. `clarify-runs/` (empty for the whole bucket). */
  readonly outputPrefix: string;
}

/** `arn:<partition>:sagemaker:<region>:<account>:<resource>/<name>` */
export function sagemakerArn(scope: Construct, resource: string, resourceName: string): string {
  return Stack.of(scope).formatArn({ service: "sagemaker", resource, resourceName });
}

/** `arn:<partition>:sagemaker:<region>:<account>:processing-job/<prefix>*` */
export function processingJobArnPattern(scope: Construct, jobNamePrefix: string): string {
  // Job names are unique per run, so only a prefix can name them; the prefix is the scope.
  return sagemakerArn(scope, "processing-job", `${jobNamePrefix}*`);
}

/** Hand a role to SageMaker (a job's or a model's execution role), and to no other service. */
export function passRoleToSageMakerStatement(roleArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ["iam:PassRole"],
    resources: [roleArn],
    conditions: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
  });
}

/** Manage the EventBridge rule Step Functions keeps for a `.sync` integration, to learn when the work ends. */
export function syncEventsRuleStatement(scope: Construct, ruleName: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
    resources: [Stack.of(scope).formatArn({ service: "events", resource: "rule", resourceName: ruleName })],
  });
}

/** Read any object of the input buckets, and list them (to find a prefix's objects). */
function inputReadStatements(s3: S3Scope): iam.PolicyStatement[] {
  if (s3.inputBucketArns.length === 0) return [];
  return [
    new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [...s3.inputBucketArns] }),
    // Inputs may sit anywhere in an allowed bucket; the bucket list itself is the guard.
    new iam.PolicyStatement({
      actions: ["s3:GetObject"],
      resources: s3.inputBucketArns.map((arn) => `${arn}/*`),
    }),
  ];
}

/** Read and list the run folders under the output prefix. */
function outputReadStatements(s3: S3Scope): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ["s3:ListBucket"],
      resources: [s3.outputBucketArn],
      conditions: { StringLike: { "s3:prefix": [`${s3.outputPrefix}*`] } },
    }),
    // Run folders are named per run, below the fixed output prefix.
    new iam.PolicyStatement({
      actions: ["s3:GetObject"],
      resources: [`${s3.outputBucketArn}/${s3.outputPrefix}*`],
    }),
  ];
}

/** Write objects (single-part or multipart) under the output prefix. */
function outputWriteStatements(s3: S3Scope): iam.PolicyStatement[] {
  // Run folders are named per run, below the fixed output prefix.
  return [
    new iam.PolicyStatement({
      actions: S3_WRITE_ACTIONS,
      resources: [`${s3.outputBucketArn}/${s3.outputPrefix}*`],
    }),
  ];
}

/**
 * validate-config: reads the analysis config and the dataset header where a run may keep them
 * (the allowed input buckets, or the run folders' prefix when inputs sit in the artifacts bucket),
 * and asks S3 which region each allowed bucket is in (the job can only use buckets of its region).
 */
export function validateConfigStatements(s3: S3Scope): iam.PolicyStatement[] {
  return [
    ...inputReadStatements(s3),
    ...outputReadStatements(s3),
    new iam.PolicyStatement({
      actions: ["s3:GetBucketLocation"],
      resources: [...s3.inputBucketArns, s3.outputBucketArn],
    }),
  ];
}

/** stage-inputs: copies config and dataset from the allowed buckets into the run folder. */
export function stageInputsStatements(s3: S3Scope): iam.PolicyStatement[] {
  return [...inputReadStatements(s3), ...outputReadStatements(s3), ...outputWriteStatements(s3)];
}

/**
 * collect-results, all S3 work below the output prefix unless said otherwise:
 *  - reads the run folder: the job's analysis.json, analysis_context.json and intervals.json,
 *    or, after a job of several instances, lists and reads its hosts' `output/partial/*.json`,
 *    reads their tables objects `output/partial/<host>/*.json`, and writes the merged
 *    analysis.json, analysis_context.json and intervals.json into the run's `output/` (the
 *    listing and writes below are already scoped to the output prefix);
 *    whether the job wrote its own report.html (HEAD, granted by s3:GetObject), and the
 *    analysis config the run names (for the report's title: below the output prefix or in an
 *    allowed input bucket);
 *  - lists the earlier run folders of the runName and reads their summary.json (trends, a
 *    `latest: "passed"` baseline) and the baseline's analysis.json;
 *  - reads a baseline analysis.json a run names in an allowed input bucket (read only: it never
 *    lists them);
 *  - writes the run's summary.json and report.html, and for a failed or aborted execution its
 *    failure or abort record (a summary.json in the run folder);
 *  - asks SageMaker how the job ended. Its run events are granted apart (run-event-statements.ts).
 */
export function collectResultsStatements(
  scope: Construct,
  s3: S3Scope,
  jobNamePrefix: string,
): iam.PolicyStatement[] {
  return [
    ...outputReadStatements(s3),
    ...outputWriteStatements(s3),
    ...(s3.inputBucketArns.length === 0
      ? []
      : [
          new iam.PolicyStatement({
            actions: ["s3:GetObject"],
            resources: s3.inputBucketArns.map((arn) => `${arn}/*`),
          }),
        ]),
    new iam.PolicyStatement({
      actions: ["sagemaker:DescribeProcessingJob"],
      resources: [processingJobArnPattern(scope, jobNamePrefix)],
    }),
  ];
}

/** What the state machine acts on. */
export interface StateMachineScope {
  /** ARNs of the Lambda functions the definition invokes. */
  readonly functionArns: readonly string[];
  /** The role handed to SageMaker for the processing job. */
  readonly jobRoleArn: string;
  readonly jobNamePrefix: string;
}

/** The state machine: invoke the steps, run/stop the job (`.sync`), pass the job role to SageMaker only. */
export function stateMachineStatements(scope: Construct, target: StateMachineScope): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ["lambda:InvokeFunction"],
      // `:*` admits the functions' versions and aliases, in case a qualified ARN is substituted.
      resources: target.functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    }),
    new iam.PolicyStatement({
      // ListTags/AddTags: the .sync integration tags the job and reads its tags back.
      actions: [
        "sagemaker:CreateProcessingJob",
        "sagemaker:DescribeProcessingJob",
        "sagemaker:StopProcessingJob",
        "sagemaker:AddTags",
        "sagemaker:ListTags",
      ],
      resources: [processingJobArnPattern(scope, target.jobNamePrefix)],
    }),
    syncEventsRuleStatement(scope, SYNC_EVENTS_RULE_NAME),
    passRoleToSageMakerStatement(target.jobRoleArn),
  ];
}

/** What the default Clarify job role acts on. */
export interface ClarifyJobScope {
  readonly s3: S3Scope;
  readonly jobNamePrefix: string;
  /** Existing endpoints an `endpoint_name` predictor may call. */
  readonly invocableEndpointNames: readonly string[];
  /** ECR repository of the Clarify image, or undefined when it cannot be named (image URI is a token). */
  readonly imageRepositoryArn: string | undefined;
}

/**
 * The processing job itself, whichever engine runs it: the Clarify image and the builtin engine
 * call the predictor alike (ListTags on the job, a shadow endpoint for `model_name`, InvokeEndpoint).
 */
export function clarifyJobStatements(scope: Construct, job: ClarifyJobScope): iam.PolicyStatement[] {
  const shadowEndpoints = [
    sagemakerArn(scope, "endpoint", `${CLARIFY_SHADOW_ENDPOINT_PREFIX}*`),
    sagemakerArn(scope, "endpoint-config", `${CLARIFY_SHADOW_ENDPOINT_PREFIX}*`),
  ];
  const logGroupArn = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${PROCESSING_JOB_LOG_GROUP}`;
  return [
    // The job reads the staged snapshot in its run folder, and may read straight from the allowed buckets.
    ...inputReadStatements(job.s3),
    ...outputReadStatements(job.s3),
    ...outputWriteStatements(job.s3),
    new iam.PolicyStatement({
      actions: ["logs:CreateLogGroup", "logs:DescribeLogStreams"],
      resources: [logGroupArn],
    }),
    new iam.PolicyStatement({
      // Log streams are named after each job, inside the one processing-job log group.
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [`${logGroupArn}:log-stream:*`],
    }),
    new iam.PolicyStatement({
      // Job tags are copied onto the shadow endpoint: read them from this pipeline's jobs only.
      actions: ["sagemaker:ListTags"],
      resources: [processingJobArnPattern(scope, job.jobNamePrefix)],
    }),
    new iam.PolicyStatement({
      // The shadow endpoint is named per job (prefix + a unique suffix); only its name prefix is fixed.
      // AddTags: tags given to CreateEndpointConfig/CreateEndpoint (the job's) are authorised by it.
      actions: [
        "sagemaker:CreateEndpointConfig",
        "sagemaker:CreateEndpoint",
        "sagemaker:AddTags",
        "sagemaker:DescribeEndpoint",
        "sagemaker:InvokeEndpoint",
        "sagemaker:DeleteEndpoint",
        "sagemaker:DeleteEndpointConfig",
      ],
      resources: shadowEndpoints,
    }),
    ...(job.invocableEndpointNames.length === 0
      ? []
      : [
          new iam.PolicyStatement({
            actions: ["sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"],
            resources: job.invocableEndpointNames.map((name) => sagemakerArn(scope, "endpoint", name)),
          }),
        ]),
    new iam.PolicyStatement({
      // GetAuthorizationToken authorises the registry session itself and has no resource type.
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    }),
    new iam.PolicyStatement({
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      // An image URI only known at deploy time names no repository: any repository, account-wide.
      resources: [job.imageRepositoryArn ?? `arn:${Aws.PARTITION}:ecr:${Aws.REGION}:*:repository/*`],
    }),
  ];
}

/** A Lambda function writing to its own log group. */
export function functionLoggingStatements(logGroupArn: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [logGroupArn],
    }),
  ];
}

/** Why each kind of wildcard resource in the statements above cannot be narrower (cdk-nag IAM5). */
export function wildcardJustifications(outputPrefix: string): WildcardJustification[] {
  const escapedPrefix = outputPrefix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return [
    {
      resource: new RegExp(
        `^(<[^>]+\\.Arn>|arn:(<AWS::Partition>|aws[a-z-]*):s3:::[^/]+)\\/${escapedPrefix}\\*$`,
      ),
      reason: `Run folders are created per run below the fixed output prefix "${outputPrefix}"; objects are only reachable below it.`,
    },
    {
      resource: /^(<[^>]+\.Arn>|arn:(<AWS::Partition>|aws[a-z-]*):s3:::[^/]+)\/\*$/,
      reason:
        "Run inputs may be any object of an allowed input bucket; the list of allowed buckets is the guard.",
    },
    {
      resource: /:processing-job\/[a-zA-Z0-9-]+\*$/,
      reason:
        "Processing jobs are named per run; only the pipeline's job-name prefix is fixed, and it scopes the permission.",
    },
    {
      resource: /^<[^>]+\.Arn>:\*$/,
      reason:
        "Admits the versions and aliases of the pipeline's own step functions (qualified ARNs), nothing else.",
    },
    {
      resource: new RegExp(`:log-group:${PROCESSING_JOB_LOG_GROUP.replaceAll("/", "\\/")}:log-stream:\\*$`),
      reason:
        "SageMaker creates one log stream per processing job, named after the job, in this one log group.",
    },
    {
      resource: new RegExp(`:endpoint(-config)?\\/${CLARIFY_SHADOW_ENDPOINT_PREFIX}\\*$`),
      reason: `Clarify (and the builtin engine) name the shadow endpoint and its endpoint config per job; only the ${CLARIFY_SHADOW_ENDPOINT_PREFIX} prefix is fixed.`,
    },
    {
      resource: /:ecr:<AWS::Region>:\*:repository\/\*$/,
      reason:
        "The Clarify image URI is only known at deploy time, so its ECR repository cannot be named at synth.",
    },
  ];
}

/** Why the job role needs `Resource: *`. */
export const JOB_ROLE_STAR_JUSTIFICATION: WildcardJustification = {
  resource: /^\*$/,
  reason:
    "ecr:GetAuthorizationToken authorises a registry session and supports no resource-level permission.",
};

/** Why the state machine role needs `Resource: *` (statements added by the StateMachine construct). */
export const STATE_MACHINE_STAR_JUSTIFICATION: WildcardJustification = {
  resource: /^\*$/,
  reason:
    "X-Ray trace submission and CloudWatch Logs log-delivery management (added for tracing and ALL-level logging) support no resource-level permissions.",
};
