import { describe, expect, it } from "vitest";
import { CONTEXT, edited, runInput, staticProblems } from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON inputs
type RunInput = Record<string, any>;

describe("static rules on run.json", () => {
  it("accepts the valid run input with no problem", () => {
    // Prepare
    const input = runInput();
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });

  const cases: readonly [string, (input: RunInput) => void, string, RegExp][] = [
    ["a non-object input", () => {}, "$", /must be a JSON object/],
    [
      "an unknown top-level key",
      (i) => (i.outputBucket = "x"),
      "$.outputBucket",
      /unknown key "outputBucket"/,
    ],
    [
      "an unknown job key",
      (i) => (i.job.instanceSize = 2),
      "$.job.instanceSize",
      /unknown key "instanceSize"/,
    ],
    ["a runName with a slash", (i) => (i.runName = "a/b"), "$.runName", /"a\/b" is not a safe folder name/],
    ["a runName with ..", (i) => (i.runName = "a..b"), "$.runName", /contains "\.\."/],
    ["a runName over 100 characters", (i) => (i.runName = "r".repeat(101)), "$.runName", /1-100 characters/],
    [
      "both analysisConfig and analysisConfigUri",
      (i) => (i.analysisConfigUri = "s3://clarify-data/c.json"),
      "$.analysisConfigUri",
      /not both/,
    ],
    [
      "no analysis config",
      (i) => delete i.analysisConfig,
      "$.analysisConfig",
      /analysis configuration is required/,
    ],
    [
      "a dataset URI that is not S3",
      (i) => (i.dataset.uri = "http://x/y.csv"),
      "$.dataset.uri",
      /"http:\/\/x\/y.csv" is not an S3 URI/,
    ],
    [
      "a dataset bucket outside the allowed buckets",
      (i) => (i.dataset.uri = "s3://other-bucket/d.csv"),
      "$.dataset.uri",
      /bucket "other-bucket" is not allowed/,
    ],
    [
      "an analysisConfigUri bucket outside the allowed buckets",
      (i) => {
        delete i.analysisConfig;
        i.analysisConfigUri = "s3://victim-bucket/c.json";
      },
      "$.analysisConfigUri",
      /bucket "victim-bucket" is not allowed/,
    ],
    [
      "an output bucket outside the allowed buckets",
      (i) => (i.outputUri = "s3://victim-bucket/runs/"),
      "$.outputUri",
      /bucket "victim-bucket" is not allowed/,
    ],
    [
      "an outputUri naming an object",
      (i) => (i.outputUri = "s3://clarify-artifacts/runs/analysis.json"),
      "$.outputUri",
      /names an object; the output must be an S3 prefix/,
    ],
    [
      "a dataset without uri",
      (i) => (i.dataset = { s3DataType: "S3Prefix" }),
      "$.dataset.uri",
      /dataset.uri is required/,
    ],
    ["no dataset and no dataset_uri", (i) => delete i.dataset, "$.dataset", /the dataset is required/],
    [
      "an unsupported S3DataType",
      (i) => (i.dataset.s3DataType = "AugmentedManifestFile"),
      "$.dataset.s3DataType",
      /"AugmentedManifestFile" is not supported; S3DataType must be S3Prefix or ManifestFile/,
    ],
    [
      "a GPU instance type (ml.p*)",
      (i) => (i.job.instanceType = "ml.p3.2xlarge"),
      "$.job.instanceType",
      /^ml\.p3\.2xlarge is a GPU instance type; Clarify does not use GPUs \(use a CPU type such as ml\.c5\.xlarge\)$/,
    ],
    [
      "a GPU instance type (ml.g*)",
      (i) => (i.job.instanceType = "ml.g4dn.xlarge"),
      "$.job.instanceType",
      /GPU instance type/,
    ],
    [
      "an Inferentia instance type (ml.inf*)",
      (i) => (i.job.instanceType = "ml.inf1.xlarge"),
      "$.job.instanceType",
      /GPU instance type/,
    ],
    [
      "a Trainium instance type (ml.trn*)",
      (i) => (i.job.instanceType = "ml.trn1.2xlarge"),
      "$.job.instanceType",
      /GPU instance type/,
    ],
    [
      "a malformed instance type",
      (i) => (i.job.instanceType = "c5.xlarge"),
      "$.job.instanceType",
      /"c5.xlarge" is not a SageMaker instance type/,
    ],
    [
      "an instance count of 0",
      (i) => (i.job.instanceCount = 0),
      "$.job.instanceCount",
      /0 is out of range; the instance count must be from 1 to 100/,
    ],
    [
      "a fractional instance count",
      (i) => (i.job.instanceCount = 1.5),
      "$.job.instanceCount",
      /1.5 is not an integer/,
    ],
    [
      "a volume of 0 GB",
      (i) => (i.job.volumeSizeInGB = 0),
      "$.job.volumeSizeInGB",
      /0 is out of range; the volume size in GB/,
    ],
    [
      "a max runtime over 7 days",
      (i) => (i.job.maxRuntimeInSeconds = 604801),
      "$.job.maxRuntimeInSeconds",
      /604801 is out of range; MaxRuntimeInSeconds \(at most 7 days\) must be from 1 to 604800/,
    ],
    [
      "a max runtime of 0",
      (i) => (i.job.maxRuntimeInSeconds = 0),
      "$.job.maxRuntimeInSeconds",
      /0 is out of range/,
    ],
    [
      "a malformed role ARN",
      (i) => (i.job.roleArn = "arn:aws:iam::123:user/bob"),
      "$.job.roleArn",
      /is not an IAM role ARN/,
    ],
    [
      "network isolation",
      (i) => (i.job.enableNetworkIsolation = true),
      "$.job.enableNetworkIsolation",
      /EnableNetworkIsolation must be false/,
    ],
    [
      "a VpcConfig without security groups",
      (i) => (i.job.vpcConfig = { Subnets: ["subnet-0abc"] }),
      "$.job.vpcConfig.SecurityGroupIds",
      /VpcConfig.SecurityGroupIds is required/,
    ],
    [
      "a malformed subnet id",
      (i) => (i.job.vpcConfig = { Subnets: ["net-1"], SecurityGroupIds: ["sg-1"] }),
      "$.job.vpcConfig.Subnets[0]",
      /"net-1" is not an id like subnet-/,
    ],
    [
      "an image that is not Clarify's",
      (i) => (i.job.imageUri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-image:1"),
      "$.job.imageUri",
      /is not a SageMaker Clarify image/,
    ],
    [
      "a Clarify image from the wrong account",
      (i) =>
        (i.job.imageUri = "111111111111.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"),
      "$.job.imageUri",
      /names account 111111111111, but the Clarify image of us-east-1 is hosted by account 205585389593/,
    ],
    [
      "a Clarify image of another region",
      (i) =>
        (i.job.imageUri = "131013547314.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-clarify-processing:1.0"),
      "$.job.imageUri",
      /is the Clarify image of eu-west-1, but jobs run in us-east-1/,
    ],
    ["malformed tags", (i) => (i.job.tags = [{ Key: "team" }]), "$.job.tags[0]", /is not a tag/],
    [
      "a non-string environment value",
      (i) => (i.job.environment = { LOG_LEVEL: 3 }),
      "$.job.environment.LOG_LEVEL",
      /3 is not a string/,
    ],
    ["an empty KMS key", (i) => (i.job.volumeKmsKeyId = ""), "$.job.volumeKmsKeyId", /is not a KMS key id/],
    [
      "a gate on an unknown metric",
      (i) => (i.gates = { XYZ: { absMax: 1 } }),
      "$.gates.XYZ",
      /"XYZ" is not a Clarify bias metric code/,
    ],
    [
      "a gate with a non-numeric bound",
      (i) => (i.gates = { CI: { absMax: "0.2" } }),
      "$.gates.CI.absMax",
      /"0.2" is not a finite number/,
    ],
    ["a gate without bounds", (i) => (i.gates = { CI: {} }), "$.gates.CI", /has no bound/],
    [
      "a gate with min above max",
      (i) => (i.gates = { DPL: { min: 1, max: 0 } }),
      "$.gates.DPL",
      /min 1 is greater than max 0/,
    ],
    [
      "a gate with an unknown bound",
      (i) => (i.gates = { CI: { absMax: 1, below: 2 } }),
      "$.gates.CI.below",
      /unknown gate bound "below"/,
    ],
    [
      "a malformed modelPackageArn",
      (i) => (i.modelPackageArn = "arn:aws:sagemaker:us-east-1:1:model/x"),
      "$.modelPackageArn",
      /is not a model package ARN/,
    ],
  ];

  it.each(cases)("rejects %s", (_name, edit, path, message) => {
    // Prepare
    const input = _name === "a non-object input" ? ["not", "an", "object"] : edited(runInput(), edit);
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it("accepts a max runtime of exactly 7 days (604800 s)", () => {
    // Prepare
    const input = edited(runInput(), (i: RunInput) => (i.job.maxRuntimeInSeconds = 604800));
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });

  it("accepts the deployment's own image even when it is not a prebuilt Clarify image", () => {
    // Prepare
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/clarify-mirror:1.0";
    const context = { ...CONTEXT, settings: { ...CONTEXT.settings, clarifyImageUri: image } };
    const input = edited(runInput(), (i: RunInput) => (i.job.imageUri = image));
    // Act
    const problems = staticProblems(input, context);
    // Assess
    expect(problems).toEqual([]);
  });

  it("accepts the Clarify image of the job's region from the region table", () => {
    // Prepare
    const context = { ...CONTEXT, settings: { ...CONTEXT.settings, region: "eu-west-1" } };
    const input = edited(runInput(), (i: RunInput) => {
      i.job.imageUri = "131013547314.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-clarify-processing:1.0";
    });
    // Act
    const problems = staticProblems(input, context);
    // Assess
    expect(problems).toEqual([]);
  });

  it("accepts a dataset left out when the analysis config has dataset_uri", () => {
    // Prepare
    const input = edited(runInput(), (i: RunInput) => {
      delete i.dataset;
      i.analysisConfig.dataset_uri = "s3://clarify-data/credit/train.csv";
    });
    // Act
    const problems = staticProblems(input);
    // Assess
    expect(problems).toEqual([]);
  });

  it("reports every problem at once, not only the first", () => {
    // Prepare
    const input = edited(runInput(), (i: RunInput) => {
      i.job.instanceType = "ml.p3.2xlarge";
      i.job.maxRuntimeInSeconds = 700000;
      i.runName = "../escape";
    });
    // Act
    const paths = staticProblems(input).map((p) => p.path);
    // Assess
    expect(paths).toEqual(
      expect.arrayContaining(["$.runName", "$.job.instanceType", "$.job.maxRuntimeInSeconds"]),
    );
  });

  it("skips the allowed-bucket guard when the context says so (offline without --allowed-buckets)", () => {
    // Prepare
    const input = edited(runInput(), (i: RunInput) => (i.dataset.uri = "s3://any-bucket/d.csv"));
    // Act
    const problems = staticProblems(input, { ...CONTEXT, enforceAllowedBuckets: false });
    // Assess
    expect(problems).toEqual([]);
  });
});
