/**
 * Property-based tests of the rules themselves: valid inputs with one targeted
 * rule-breaking mutation are always rejected, at the field that breaks the rule; valid
 * inputs with benign variations (key order, input order, optional fields left out or
 * given allowed values) are always accepted. Both input forms, both entry points
 * (the Lambda core and offline validation).
 */
import { S3Client } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PRE_TRAINING_METRICS } from "../../../../contracts/metric-codes.ts";
import type { ConfigProblem } from "../../../../lambdas/shared/errors.ts";
import { ConfigValidationError } from "../../../../lambdas/shared/errors.ts";
import { validateRunInputOffline } from "../../../../lambdas/validate-config/offline.ts";
import { childPath } from "../../../../lambdas/validate-config/problems.ts";
import { RUN_KEYS } from "../../../../lambdas/validate-config/run-input.ts";
import { validateConfig } from "../../../../lambdas/validate-config/validate-config.ts";
import { requestInput, runInput, SETTINGS } from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the mutations edit arbitrary JSON
type Json = Record<string, any>;

const NUM_RUNS = 200;
const EXECUTION = {
  name: "exec-prop",
  id: "arn:aws:states:us-east-1:123456789012:execution:sm:exec-prop",
  startTime: "2026-01-01T00:00:00Z",
};
/**
 * Nothing listens on port 9 (discard): an input the static rules wrongly let through makes
 * the pre-flight fail with a connection error, which the properties report.
 */
const unreachableS3 = new S3Client({
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9",
  forcePathStyle: true,
  maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

async function offlineProblems(input: unknown): Promise<readonly ConfigProblem[]> {
  return validateRunInputOffline(input, SETTINGS, { baseDir: "/nonexistent", enforceAllowedBuckets: true });
}

/** Rebuilds objects with their keys in an order drawn from `order` (arrays keep theirs). */
function reorderKeys(value: unknown, order: readonly number[], depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => reorderKeys(item, order, depth + 1));
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  const rank = (key: string, index: number) =>
    (order[(index + depth) % Math.max(order.length, 1)] ?? 0) ^ key.length;
  const sorted = keys.map((key, index) => ({ key, r: rank(key, index) })).sort((a, b) => a.r - b.r);
  return Object.fromEntries(
    sorted.map(({ key }) => [key, reorderKeys((value as Json)[key], order, depth + 1)]),
  );
}

const cpuInstanceType = fc.constantFrom(
  "ml.c5.xlarge",
  "ml.c5.9xlarge",
  "ml.c6i.2xlarge",
  "ml.m5.large",
  "ml.m5.4xlarge",
  "ml.r5.xlarge",
  "ml.t3.medium",
);
const gpuInstanceType = fc
  .tuple(
    fc.constantFrom("p2", "p3", "p4d", "p5", "g4dn", "g5", "g6", "inf1", "inf2", "trn1"),
    fc.constantFrom("xlarge", "2xlarge", "12xlarge", "24xlarge"),
  )
  .map(([family, size]) => `ml.${family}.${size}`);
const validRunName = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,60}$/)
  .filter((name) => !name.includes(".."));
const validJobName = fc
  .stringMatching(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,40}$/)
  .filter((name) => name.length <= 63);
// Plain segments only: ".", ".." and empty segments are a rule break of their own.
const s3Key = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,9}(\/[a-z0-9_-]{1,10}){0,3}$/);
const bound = fc.double({ min: -2, max: 2, noNaN: true });
const gates = fc.dictionary(
  fc.constantFrom(...PRE_TRAINING_METRICS),
  fc.oneof(
    fc.record({ absMax: fc.double({ min: 0, max: 2, noNaN: true }) }),
    fc.tuple(bound, bound).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) })),
    fc.record({ min: bound }),
  ),
  { maxKeys: 4 },
);
const tags = fc.array(
  fc.record({ Key: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), Value: fc.string({ maxLength: 30 }) }),
  { maxLength: 3 },
);
const vpcConfig = fc.record({
  Subnets: fc.array(fc.stringMatching(/^subnet-[0-9a-f]{8}$/), { minLength: 1, maxLength: 3 }),
  SecurityGroupIds: fc.array(fc.stringMatching(/^sg-[0-9a-f]{8}$/), { minLength: 1, maxLength: 2 }),
});

/** A valid run.json with benign variations: optional fields left out or set to allowed values. */
const validRun: fc.Arbitrary<Json> = fc
  .record(
    {
      runName: validRunName,
      dataKey: s3Key,
      s3DataType: fc.constantFrom("S3Prefix", "ManifestFile"),
      outputUri: s3Key.map((key) => `s3://clarify-artifacts/${key}/`),
      instanceType: cpuInstanceType,
      instanceCount: fc.integer({ min: 1, max: 100 }),
      volumeSizeInGB: fc.integer({ min: 1, max: 16384 }),
      maxRuntimeInSeconds: fc.integer({ min: 1, max: 604800 }),
      enableNetworkIsolation: fc.constant(false),
      vpcConfig,
      tags,
      gates,
      metrics: fc.oneof(
        fc.constant("all" as const),
        fc.subarray([...PRE_TRAINING_METRICS], { minLength: 1 }),
      ),
      order: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    },
    { requiredKeys: ["dataKey", "metrics", "order"] },
  )
  .map((v) => {
    const input: Json = runInput();
    delete input.runName;
    delete input.outputUri;
    delete input.gates;
    input.job = {};
    input.dataset = { uri: `s3://clarify-data/${v.dataKey}` };
    input.analysisConfig.methods.pre_training_bias.methods = v.metrics;
    if (v.runName !== undefined) input.runName = v.runName;
    if (v.s3DataType !== undefined) input.dataset.s3DataType = v.s3DataType;
    if (v.outputUri !== undefined) input.outputUri = v.outputUri;
    if (v.gates !== undefined) input.gates = v.gates;
    for (const key of [
      "instanceType",
      "instanceCount",
      "volumeSizeInGB",
      "maxRuntimeInSeconds",
      "enableNetworkIsolation",
      "vpcConfig",
      "tags",
    ] as const) {
      if (v[key] !== undefined) input.job[key] = v[key];
    }
    return reorderKeys(input, v.order) as Json;
  });

/** A valid `{ processingJobRequest }` with benign variations. */
const validRequest: fc.Arbitrary<Json> = fc
  .record(
    {
      jobName: validJobName,
      reverseInputs: fc.boolean(),
      inputMode: fc.constantFrom("File", undefined),
      compression: fc.constantFrom("None", undefined),
      distribution: fc.constantFrom("FullyReplicated", undefined),
      s3DataType: fc.constantFrom("S3Prefix", "ManifestFile"),
      networkConfig: fc.constantFrom(undefined, {}, { EnableNetworkIsolation: false }),
      instanceType: cpuInstanceType,
      instanceCount: fc.integer({ min: 1, max: 100 }),
      volumeSizeInGB: fc.integer({ min: 1, max: 16384 }),
      maxRuntimeInSeconds: fc.integer({ min: 1, max: 604800 }),
      tags,
      gates,
      order: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    },
    {
      requiredKeys: [
        "reverseInputs",
        "s3DataType",
        "instanceType",
        "instanceCount",
        "volumeSizeInGB",
        "maxRuntimeInSeconds",
        "order",
      ],
    },
  )
  .map((v) => {
    const input: Json = requestInput();
    const request = input.processingJobRequest;
    delete request.ProcessingJobName;
    if (v.jobName !== undefined) request.ProcessingJobName = v.jobName;
    const dataset = request.ProcessingInputs[1].S3Input;
    for (const [key, value] of [
      ["S3InputMode", v.inputMode],
      ["S3CompressionType", v.compression],
      ["S3DataDistributionType", v.distribution],
    ] as const) {
      if (value === undefined) delete dataset[key];
      else dataset[key] = value;
    }
    dataset.S3DataType = v.s3DataType;
    if (v.reverseInputs) request.ProcessingInputs.reverse();
    if (v.networkConfig === undefined) delete request.NetworkConfig;
    else request.NetworkConfig = v.networkConfig;
    request.ProcessingResources.ClusterConfig = {
      InstanceType: v.instanceType,
      InstanceCount: v.instanceCount,
      VolumeSizeInGB: v.volumeSizeInGB,
    };
    request.StoppingCondition.MaxRuntimeInSeconds = v.maxRuntimeInSeconds;
    if (v.tags !== undefined) request.Tags = v.tags;
    if (v.gates !== undefined) input.gates = v.gates;
    return reorderKeys(input, v.order) as Json;
  });

/** A rule-breaking mutation: edits the input in place and returns the path that must be reported. */
type Breaker = (input: Json) => string;
const REQ = "$.processingJobRequest";
const datasetIndex = (input: Json) =>
  input.processingJobRequest.ProcessingInputs.findIndex((i: Json) => i.InputName === "dataset");
const datasetS3Input = (input: Json) =>
  input.processingJobRequest.ProcessingInputs[datasetIndex(input)].S3Input;
const datasetPath = (input: Json, key: string) =>
  `${REQ}.ProcessingInputs[${datasetIndex(input)}].S3Input.${key}`;
const outputPath = `${REQ}.ProcessingOutputConfig.Outputs`;
const notIn = (allowed: readonly unknown[]) =>
  fc.string({ maxLength: 20 }).filter((s) => !allowed.includes(s));

const runBreakers: fc.Arbitrary<Breaker> = fc.oneof(
  fc.integer({ min: 604801, max: 2 ** 31 }).map(
    (n): Breaker =>
      (i) => {
        i.job.maxRuntimeInSeconds = n;
        return "$.job.maxRuntimeInSeconds";
      },
  ),
  gpuInstanceType.map(
    (type): Breaker =>
      (i) => {
        i.job.instanceType = type;
        return "$.job.instanceType";
      },
  ),
  fc.constant<Breaker>((i) => {
    i.job.enableNetworkIsolation = true;
    return "$.job.enableNetworkIsolation";
  }),
  fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 })).map(
    (n): Breaker =>
      (i) => {
        i.job.instanceCount = n;
        return "$.job.instanceCount";
      },
  ),
  fc
    .oneof(
      fc.constantFrom(
        "../escape",
        "..",
        ".",
        "a/b",
        "/abs",
        "a\\b",
        "%2e%2e",
        "crédit",
        "run name",
        "ｒｕｎ",
        "a\u0000b",
      ),
      fc.string({ minLength: 101, maxLength: 150, unit: "grapheme-ascii" }),
      fc
        .string({ minLength: 1, maxLength: 20, unit: "grapheme" })
        .filter((s) => !/^[A-Za-z0-9._-]+$/.test(s)),
    )
    .map(
      (name): Breaker =>
        (i) => {
          i.runName = name;
          return "$.runName";
        },
    ),
  fc
    .stringMatching(/^[a-z][a-z0-9-]{2,20}$/)
    .filter((b) => !SETTINGS.allowedBuckets.includes(b))
    .map(
      (bucket): Breaker =>
        (i) => {
          i.dataset.uri = `s3://${bucket}/train.csv`;
          return "$.dataset.uri";
        },
    ),
  fc
    .stringMatching(/^[a-zA-Z_]{1,12}$/)
    .filter((k) => k !== "__proto__" && !(RUN_KEYS as readonly string[]).includes(k))
    .map(
      (key): Breaker =>
        (i) => {
          i[key] = true;
          return childPath("$", key);
        },
    ),
  fc.constant<Breaker>((i) => {
    delete i.dataset;
    return "$.dataset";
  }),
);

const requestBreakers: fc.Arbitrary<Breaker> = fc.oneof(
  fc.integer({ min: 604801, max: 2 ** 31 }).map(
    (n): Breaker =>
      (i) => {
        i.processingJobRequest.StoppingCondition.MaxRuntimeInSeconds = n;
        return `${REQ}.StoppingCondition.MaxRuntimeInSeconds`;
      },
  ),
  gpuInstanceType.map(
    (type): Breaker =>
      (i) => {
        i.processingJobRequest.ProcessingResources.ClusterConfig.InstanceType = type;
        return `${REQ}.ProcessingResources.ClusterConfig.InstanceType`;
      },
  ),
  fc.constant<Breaker>((i) => {
    i.processingJobRequest.NetworkConfig = { EnableNetworkIsolation: true };
    return `${REQ}.NetworkConfig.EnableNetworkIsolation`;
  }),
  fc.oneof(fc.constant("Pipe"), fc.constant("FastFile"), notIn(["File"])).map(
    (mode): Breaker =>
      (i) => {
        datasetS3Input(i).S3InputMode = mode;
        return datasetPath(i, "S3InputMode");
      },
  ),
  fc.oneof(fc.constant("Gzip"), notIn(["None"])).map(
    (compression): Breaker =>
      (i) => {
        datasetS3Input(i).S3CompressionType = compression;
        return datasetPath(i, "S3CompressionType");
      },
  ),
  fc.oneof(fc.constant("ShardedByS3Key"), notIn(["FullyReplicated"])).map(
    (distribution): Breaker =>
      (i) => {
        datasetS3Input(i).S3DataDistributionType = distribution;
        return datasetPath(i, "S3DataDistributionType");
      },
  ),
  fc.string({ maxLength: 20 }).map(
    (name): Breaker =>
      (i) => {
        const outputs = i.processingJobRequest.ProcessingOutputConfig.Outputs;
        outputs.push({ ...structuredClone(outputs[0]), OutputName: name });
        return outputPath;
      },
  ),
  notIn(["analysis_result"]).map(
    (name): Breaker =>
      (i) => {
        i.processingJobRequest.ProcessingOutputConfig.Outputs[0].OutputName = name;
        return `${outputPath}[0].OutputName`;
      },
  ),
  notIn(["EndOfJob"]).map(
    (mode): Breaker =>
      (i) => {
        i.processingJobRequest.ProcessingOutputConfig.Outputs[0].S3Output.S3UploadMode = mode;
        return `${outputPath}[0].S3Output.S3UploadMode`;
      },
  ),
  fc
    .tuple(
      fc.constantFrom("ContainerEntrypoint", "ContainerArguments"),
      fc.array(fc.string(), { maxLength: 3 }),
    )
    .map(
      ([key, value]): Breaker =>
        (i) => {
          i.processingJobRequest.AppSpecification[key] = value;
          return `${REQ}.AppSpecification.${key}`;
        },
    ),
  fc
    .oneof(
      fc.constantFrom("", "-lead", "trail-", "under_score", "dot.name", "a".repeat(64), "ünicode"),
      fc.string({ minLength: 1, maxLength: 80 }),
    )
    .filter((name) => !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name))
    .map(
      (name): Breaker =>
        (i) => {
          i.processingJobRequest.ProcessingJobName = name;
          return `${REQ}.ProcessingJobName`;
        },
    ),
  fc.constant<Breaker>((i) => {
    const inputs: Json[] = i.processingJobRequest.ProcessingInputs;
    inputs.splice(
      inputs.findIndex((item) => item.InputName === "analysis_config"),
      1,
    );
    return `${REQ}.ProcessingInputs`;
  }),
);

const broken = (valid: fc.Arbitrary<Json>, breakers: fc.Arbitrary<Breaker>) =>
  fc.tuple(valid, breakers).map(([input, breaker]) => {
    const copy = structuredClone(input);
    const path = breaker(copy);
    return { input: copy, path };
  });

describe("a valid input with one rule-breaking mutation", () => {
  it.each([
    ["run.json", broken(validRun, runBreakers)],
    ["processingJobRequest", broken(validRequest, requestBreakers)],
  ] as const)("is always rejected at the broken field (%s form)", async (_form, cases) => {
    // Prepare
    const property = fc.asyncProperty(cases, async ({ input, path }) => {
      // Act
      const offline = await offlineProblems(input);
      const lambda = await validateConfig(
        { input, execution: EXECUTION },
        { s3: unreachableS3, settings: SETTINGS },
      ).then(
        () => undefined,
        (error: unknown) => error,
      );
      // Assess
      expect(offline.map((p) => p.path)).toContain(path);
      expect(lambda).toBeInstanceOf(ConfigValidationError);
      expect((lambda as ConfigValidationError).problems.map((p) => p.path)).toContain(path);
    });
    // Assess
    await expect(fc.assert(property, { numRuns: NUM_RUNS })).resolves.toBeUndefined();
  });
});

describe("a valid input with benign variations", () => {
  it.each([
    ["run.json", validRun],
    ["processingJobRequest", validRequest],
  ] as const)("is always accepted (%s form)", async (_form, inputs) => {
    // Prepare
    const property = fc.asyncProperty(inputs, async (input) => {
      // Act
      const problems = await offlineProblems(input);
      // Assess
      expect(problems).toEqual([]);
    });
    // Act / Assess
    await expect(fc.assert(property, { numRuns: NUM_RUNS })).resolves.toBeUndefined();
  });
});
