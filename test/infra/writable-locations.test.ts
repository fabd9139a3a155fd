/**
 * Every place a run makes the pipeline write is a place the synthesized IAM lets it write.
 * The writable locations are read from the template (the s3:PutObject resources of each
 * role), the deployment settings from the functions' environment in the same template; the
 * write targets come from the real validate-config, stage-inputs and record-failure code.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ExecutionInfo } from "../../contracts/pipeline-state.ts";
import { joinS3Uri } from "../../contracts/s3-uri.ts";
import { failureRunUri } from "../../lambdas/collect-results/failure-location.ts";
import { mergedOutputUris } from "../../lambdas/collect-results/partial-results.ts";
import {
  type DeploymentSettings,
  SETTINGS_ENV,
  settingsFromEnvironment,
} from "../../lambdas/shared/settings.ts";
import { renderProcessingJobRequest } from "../../lambdas/stage-inputs/processing-job-request.ts";
import { normalizeRun } from "../../lambdas/validate-config/normalize.ts";
import { runStaticRules } from "../../lambdas/validate-config/static-rules.ts";
import { deployedRuleContext } from "../../lambdas/validate-config/validate-config.ts";
import { INPUT_BUCKET, type SynthesizedPipeline, synthesizePipeline } from "./synth-pipeline.ts";
import {
  attachedStatements,
  inlineStatements,
  logicalIdOf,
  type TemplateStatement,
} from "./template-helpers.ts";

let synth: SynthesizedPipeline;
/** Stands in for the deploy-time names of the stack's buckets (CloudFormation picks them). */
const names = new Map<string, string>();

beforeAll(() => {
  synth = synthesizePipeline();
}, 120_000);

/** A template expression as a plain string: Ref/GetAtt of a bucket become its stand-in name or ARN. */
function resolveExpression(value: unknown): string {
  if (typeof value === "string") return value;
  const node = value as Record<string, unknown>;
  if ("Fn::Join" in node) {
    const [separator, parts] = node["Fn::Join"] as [string, unknown[]];
    return parts.map(resolveExpression).join(separator);
  }
  if ("Ref" in node) {
    const ref = String(node.Ref);
    if (ref === "AWS::Partition") return "aws";
    if (ref === "AWS::Region") return "us-east-1";
    if (ref === "AWS::AccountId") return "123456789012";
    if (!names.has(ref)) names.set(ref, `stack-bucket-${names.size + 1}`);
    return names.get(ref) as string;
  }
  if ("Fn::GetAtt" in node) {
    const [id, attribute] = node["Fn::GetAtt"] as [string, string];
    const type = (synth.template.toJSON().Resources[id] as { Type: string } | undefined)?.Type;
    if (attribute !== "Arn") throw new Error(`cannot resolve ${id}.${attribute}`);
    if (type === "AWS::S3::Bucket") return `arn:aws:s3:::${resolveExpression({ Ref: id })}`;
    if (type === "AWS::IAM::Role") return `arn:aws:iam::123456789012:role/${id}`;
    throw new Error(`cannot resolve the ARN of a ${type}`);
  }
  if ("Fn::FindInMap" in node) {
    const [map, key, attribute] = (node["Fn::FindInMap"] as unknown[]).map(resolveExpression);
    const mappings = synth.template.toJSON().Mappings as Record<
      string,
      Record<string, Record<string, string>>
    >;
    return mappings[map as string]?.[key as string]?.[attribute as string] ?? "";
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** `s3://bucket/key` → the ARN IAM matches. */
function objectArnOf(uri: string): string {
  return `arn:aws:s3:::${uri.slice("s3://".length)}`;
}

/** The s3:PutObject resources of a role, as patterns (IAM's `*` matches any run of characters). */
function putObjectPatterns(roleLogicalId: string): RegExp[] {
  const statements: TemplateStatement[] = [
    ...inlineStatements(synth.template, roleLogicalId),
    ...attachedStatements(synth.template, roleLogicalId),
  ];
  return statements
    .filter((statement) => statement.Effect === "Allow")
    .filter((statement) =>
      [statement.Action].flat().some((action) => action === "s3:PutObject" || action === "s3:*"),
    )
    .flatMap((statement) => [statement.Resource].flat())
    .map(resolveExpression)
    .filter((arn) => arn.startsWith("arn:aws:s3:::") || arn === "*")
    .map((arn) => {
      return new RegExp(
        `^${arn
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      );
    });
}

function canWrite(patterns: readonly RegExp[], uri: string): boolean {
  return patterns.some((pattern) => pattern.test(objectArnOf(uri)));
}

/** The role of a function, read from the function resource. */
function roleOfFunction(functionLogicalId: string): string {
  const resource = synth.template.toJSON().Resources[functionLogicalId] as {
    Properties: { Role: { "Fn::GetAtt": [string, string] } };
  };
  return resource.Properties.Role["Fn::GetAtt"][0];
}

/** The deployment settings the functions read, from their environment in the template. */
function deployedSettings(functionLogicalId: string): DeploymentSettings {
  const resource = synth.template.toJSON().Resources[functionLogicalId] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  const env = Object.fromEntries(
    Object.entries(resource.Properties.Environment.Variables).map(([key, value]) => [
      key,
      resolveExpression(value),
    ]),
  );
  return settingsFromEnvironment({ ...env, [SETTINGS_ENV.region]: "us-east-1" });
}

const execution: ExecutionInfo = {
  name: "exec-1",
  id: "arn:aws:states:us-east-1:123456789012:execution:clarify:exec-1",
  startTime: "2026-01-01T00:00:00.000Z",
};

function runJson(outputUri: string | undefined): Record<string, unknown> {
  return {
    runName: "credit",
    analysisConfig: {
      version: "1.0",
      dataset_type: "text/csv",
      label: "Target",
      label_values_or_threshold: [1],
      facet: [{ name_or_index: "Sex", value_or_threshold: [0] }],
      methods: { pre_training_bias: { methods: ["CI"] } },
    },
    dataset: { uri: `s3://${INPUT_BUCKET}/credit/train.csv`, s3DataType: "S3Prefix" },
    ...(outputUri === undefined ? {} : { outputUri }),
  };
}

describe("where a run makes the pipeline write", () => {
  it("is writable by the role that writes it, for every output location validation accepts", () => {
    // Prepare: the settings and the roles' write permissions, as synthesized.
    const pipeline = synth.stack.pipeline;
    const validateId = logicalIdOf(pipeline.validateConfigFunction);
    const settings = deployedSettings(validateId);
    const stageWrites = putObjectPatterns(roleOfFunction(logicalIdOf(pipeline.stageInputsFunction)));
    const collectWrites = putObjectPatterns(roleOfFunction(logicalIdOf(pipeline.collectResultsFunction)));
    const jobWrites = putObjectPatterns(logicalIdOf(pipeline.jobRole));
    const artifacts = settings.defaultOutputUri.replace(/^s3:\/\/([^/]+)\/.*$/, "$1");
    const candidates = [
      undefined,
      settings.defaultOutputUri,
      joinS3Uri(settings.defaultOutputUri, "team-a/"),
      `s3://${INPUT_BUCKET}/clarify-runs/`,
      `s3://${artifacts}/elsewhere/`,
      `s3://${artifacts}/`,
    ];

    // Act
    const outcomes = candidates.map((outputUri) => {
      const { draft, problems } = runStaticRules(runJson(outputUri), deployedRuleContext(settings));
      if (!draft || !problems.isEmpty) return { outputUri, accepted: false as const };
      const run = normalizeRun(draft, settings, execution.name);
      const request = renderProcessingJobRequest({
        run,
        jobName: "clarify-credit-0123456789",
        analysisConfigUri: joinS3Uri(run.runUri, "input", "analysis_config.json"),
        dataset: { s3Uri: joinS3Uri(run.runUri, "input", "dataset/"), s3DataType: "S3Prefix" },
      });
      const outputConfig = request.ProcessingOutputConfig as { Outputs: { S3Output: { S3Uri: string } }[] };
      const [output] = outputConfig.Outputs;
      return {
        outputUri,
        accepted: true as const,
        staged: ["run.json", "input/analysis_config.json", "input/dataset/train.csv"].map((key) =>
          joinS3Uri(run.runUri, key),
        ),
        jobOutput: joinS3Uri(output?.S3Output.S3Uri ?? "", "analysis.json"),
        summary: joinS3Uri(run.runUri, "summary.json"),
        // A job of several instances: collect-results writes the merged analysis into output/.
        merged: Object.values(mergedOutputUris(run.runUri)),
      };
    });

    // Assess: exactly the locations below the output prefix are accepted...
    expect(outcomes.filter((outcome) => outcome.accepted).map((outcome) => outcome.outputUri)).toEqual(
      candidates.slice(0, 3),
    );
    // ...and everything an accepted run writes, its writer may write.
    for (const outcome of outcomes) {
      if (!outcome.accepted) continue;
      for (const uri of outcome.staged)
        expect(canWrite(stageWrites, uri), `stage-inputs writes ${uri}`).toBe(true);
      expect(canWrite(jobWrites, outcome.jobOutput), `the job writes ${outcome.jobOutput}`).toBe(true);
      expect(canWrite(collectWrites, outcome.summary), `collect-results writes ${outcome.summary}`).toBe(
        true,
      );
      for (const uri of outcome.merged) {
        expect(canWrite(collectWrites, uri), `collect-results writes ${uri}`).toBe(true);
      }
    }
  });

  it("puts every failure record where collect-results may write, whatever the input", () => {
    // Prepare
    const pipeline = synth.stack.pipeline;
    const settings = deployedSettings(logicalIdOf(pipeline.collectResultsFunction));
    const collectWrites = putObjectPatterns(roleOfFunction(logicalIdOf(pipeline.collectResultsFunction)));
    const validationFailed = { failure: { ValidateConfig: { Error: "ConfigValidationError", Cause: "x" } } };
    const inputs: unknown[] = [
      runJson(`s3://${INPUT_BUCKET}/clarify-runs/`),
      runJson(undefined),
      runJson("s3://someone-elses-bucket/runs/"),
      [1, 2],
      "hello",
      null,
    ];

    // Act
    const records = inputs.map((input) => {
      const runUri = failureRunUri(validationFailed, input, execution, settings);
      return joinS3Uri(runUri ?? "", "summary.json");
    });

    // Assess
    for (const summary of records) expect(canWrite(collectWrites, summary), summary).toBe(true);
  });
});
