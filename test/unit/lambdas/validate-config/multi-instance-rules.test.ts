/**
 * Several instances per engine: the builtin engine shards its dataset input across the hosts and
 * refuses what sharded counts cannot compute; the Clarify image keeps every rule of a Clarify job.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeploymentSettings } from "../../../../lambdas/shared/settings.ts";
import { validateRunInputOffline } from "../../../../lambdas/validate-config/offline.ts";
import { runPreflight } from "../../../../lambdas/validate-config/preflight.ts";
import type { RuleContext } from "../../../../lambdas/validate-config/rules/context.ts";
import { runStaticRules } from "../../../../lambdas/validate-config/static-rules.ts";
import {
  analysisConfig,
  CONTEXT,
  edited,
  requestInput,
  runInput,
  SETTINGS,
  staticProblems,
} from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary JSON inputs
type Json = Record<string, any>;

const BUILTIN: RuleContext = { ...CONTEXT, settings: { ...SETTINGS, engine: "builtin" } };
const R = "$.processingJobRequest";
const DISTRIBUTION = `${R}.ProcessingInputs[1].S3Input.S3DataDistributionType`;

function withInstances(count: number, edit: (input: Json) => void = () => {}): Json {
  return edited(runInput() as Json, (input) => {
    input.job.instanceCount = count;
    edit(input);
  });
}

function requestWith(count: number, distribution: string | undefined): Json {
  return edited(requestInput() as Json, (input) => {
    const request = input.processingJobRequest;
    request.ProcessingResources.ClusterConfig.InstanceCount = count;
    if (distribution === undefined) delete request.ProcessingInputs[1].S3Input.S3DataDistributionType;
    else request.ProcessingInputs[1].S3Input.S3DataDistributionType = distribution;
  });
}

const FT = { post_training_bias: { methods: ["DPPL", "FT"] } };

describe("a builtin-engine run of several instances", () => {
  it("accepts bias metrics the merged counts compute, on any number of instances", () => {
    // Prepare
    const inputs = [1, 2, 100].map((count) => withInstances(count));

    // Act
    const problems = inputs.map((input) => staticProblems(input, BUILTIN));

    // Assess
    expect(problems).toEqual([[], [], []]);
  });

  it("refuses FT at the config's path with the engine's words, and only with several instances", () => {
    // Prepare
    const ft = (count: number) =>
      withInstances(count, (input) => {
        input.analysisConfig.predicted_label = "Income";
        input.analysisConfig.methods = { ...input.analysisConfig.methods, ...FT };
      });

    // Act
    const one = staticProblems(ft(1), BUILTIN);
    const two = staticProblems(ft(2), BUILTIN);

    // Assess
    expect(one).toEqual([]);
    expect(two).toEqual([
      {
        path: "$.analysisConfig.methods.post_training_bias.methods",
        message: expect.stringMatching(
          /^FT with 2 instances: the Flip Test compares every facet row .*run it on one instance \(job\.instanceCount 1\)$/,
        ),
      },
    ]);
  });

  it("reads the instance count from the deployment's default when the run gives none", () => {
    // Prepare
    const input = edited(runInput() as Json, (input) => {
      delete input.job.instanceCount;
      input.analysisConfig.methods = { ...input.analysisConfig.methods, shap: { num_samples: 10 } };
      input.analysisConfig.predictor = { endpoint_name: "credit" };
    });
    const context = { ...BUILTIN, settings: { ...BUILTIN.settings, defaultInstanceCount: 3 } };

    // Act
    const problems = staticProblems(input, context);

    // Assess
    expect(problems).toEqual([
      {
        path: "$.analysisConfig.methods.shap.baseline",
        message:
          "methods.shap without a baseline with 3 instances: the baseline is clustered from the whole dataset, which no single host holds; give the baseline as rows or a file (a one-instance run writes the one it clusters to explanations_shap/baseline.csv, which can be given here), or run it on one instance (job.instanceCount 1)",
      },
    ]);
  });

  it("takes SHAP against a given baseline on several instances, and refuses PDP, whose grid needs the whole dataset", () => {
    // Prepare
    const input = withInstances(2, (input) => {
      input.analysisConfig.methods = {
        ...input.analysisConfig.methods,
        shap: { baseline: [[1, 2, 3]], num_samples: 10 },
        pdp: { top_k_features: 2 },
      };
      input.analysisConfig.predictor = { endpoint_name: "credit" };
    });

    // Act
    const problems = staticProblems(input, BUILTIN);

    // Assess
    expect(problems).toEqual([
      {
        path: "$.analysisConfig.methods.pdp",
        message:
          "methods.pdp with 2 instances: its grid comes from the whole dataset's values of each feature (their range, their categories), which no single host holds; run it on one instance (job.instanceCount 1)",
      },
    ]);
  });

  it("refuses a dataset given only as the config's dataset_uri, which every host would read whole", () => {
    // Prepare
    const input = withInstances(2, (input) => {
      delete input.dataset;
      input.analysisConfig.dataset_uri = "s3://clarify-data/credit/train.csv";
    });

    // Act
    const builtin = staticProblems(input, BUILTIN);
    const clarify = staticProblems(input, CONTEXT);

    // Assess
    expect(builtin).toEqual([
      {
        path: "$.analysisConfig.dataset_uri",
        message:
          "dataset_uri with 2 instances: every host would read the whole of it and count every row; give the dataset as a job input (run.json's dataset.uri), which SageMaker shards across the hosts, or run it on one instance (job.instanceCount 1)",
      },
    ]);
    expect(clarify).toEqual([]);
  });

  it("keeps every rule of a Clarify job for the Clarify image, several instances included", () => {
    // Prepare
    const input = withInstances(3, (input) => {
      input.analysisConfig.predicted_label = "Income";
      input.analysisConfig.methods = { ...input.analysisConfig.methods, ...FT };
    });

    // Act
    const problems = staticProblems(input, CONTEXT);

    // Assess
    expect(problems).toEqual([]);
  });
});

describe("the dataset input's S3DataDistributionType in a raw request", () => {
  it.each([
    ["the Clarify image, one instance", CONTEXT, 1, "FullyReplicated"],
    ["the Clarify image, several instances", CONTEXT, 4, "FullyReplicated"],
    ["the Clarify image, left out (FullyReplicated)", CONTEXT, 4, undefined],
    ["the builtin engine, one instance, replicated", BUILTIN, 1, "FullyReplicated"],
    ["the builtin engine, one instance, sharded", BUILTIN, 1, "ShardedByS3Key"],
    ["the builtin engine, several instances, sharded", BUILTIN, 4, "ShardedByS3Key"],
  ] as const)("accepts %s", (_, context, count, distribution) => {
    // Act
    const problems = staticProblems(requestWith(count, distribution), context);

    // Assess
    expect(problems).toEqual([]);
  });

  it.each([
    [
      "ShardedByS3Key on the Clarify image",
      CONTEXT,
      4,
      "ShardedByS3Key",
      '"ShardedByS3Key" is not allowed; S3DataDistributionType must be FullyReplicated (every Clarify instance needs the whole dataset)',
    ],
    [
      "FullyReplicated on several builtin instances",
      BUILTIN,
      3,
      "FullyReplicated",
      '"FullyReplicated" with 3 instances would copy the whole dataset to every host, so each would count every row; S3DataDistributionType must be ShardedByS3Key (each host then receives a share of the dataset\'s S3 objects)',
    ],
    [
      "a left-out distribution on several builtin instances",
      BUILTIN,
      2,
      undefined,
      "left out, S3DataDistributionType is FullyReplicated, which with 2 instances would copy the whole dataset to every host, so each would count every row; S3DataDistributionType must be ShardedByS3Key (each host then receives a share of the dataset's S3 objects)",
    ],
    [
      "an unknown distribution on one builtin instance",
      BUILTIN,
      1,
      "Sharded",
      '"Sharded" is not allowed; S3DataDistributionType must be FullyReplicated or ShardedByS3Key (one instance receives the whole dataset either way; with ClusterConfig.InstanceCount above 1, ShardedByS3Key)',
    ],
  ] as const)("refuses %s", (_, context, count, distribution, message) => {
    // Act
    const problems = staticProblems(requestWith(count, distribution), context);

    // Assess
    expect(problems).toEqual([{ path: DISTRIBUTION, message }]);
  });

  it("refuses FT and a config without a dataset input once the request's config is read", async () => {
    // Prepare
    const input = edited(requestWith(2, "ShardedByS3Key"), (input) => {
      input.processingJobRequest.ProcessingInputs.pop();
    });
    const config = {
      ...analysisConfig(),
      dataset_uri: "s3://clarify-data/credit/train.csv",
      predicted_label: "Income",
      methods: FT,
    };
    const { draft, problems } = runStaticRules(input, BUILTIN);
    const reader = {
      readConfig: async () => config,
      sampleDataset: async () => undefined,
    };

    // Act
    if (draft) await runPreflight(draft, BUILTIN, reader, problems);

    // Assess
    const configFile = "s3://clarify-data/credit/analysis_config.json $";
    expect(problems.list.map((problem) => problem.path)).toEqual([
      `${configFile}.methods.post_training_bias.methods`,
      `${configFile}.dataset_uri`,
    ]);
    expect(problems.list[1]?.message).toContain(
      'give the dataset as a job input (an input named "dataset"), which SageMaker shards across the hosts, or run it on one instance (ClusterConfig.InstanceCount 1)',
    );
  });
});

describe("validate offline with a config file", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "multi-instance-rules-"));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("reports the same multi-instance problems for a config read from a file", async () => {
    // Prepare
    await writeFile(
      join(folder, "analysis_config.json"),
      JSON.stringify({ ...analysisConfig(), predicted_label: "Income", methods: FT }),
    );
    await writeFile(join(folder, "train.csv"), "Id,Age,Sex,Income,Target\n1,35,0,1,1\n");
    const input = withInstances(2, (input) => {
      delete input.analysisConfig;
      input.analysisConfigUri = "analysis_config.json";
      input.dataset = { uri: "train.csv", s3DataType: "S3Prefix" };
      input.outputUri = undefined;
    });
    const settings: DeploymentSettings = { ...BUILTIN.settings };

    // Act
    const problems = await validateRunInputOffline(JSON.parse(JSON.stringify(input)), settings, {
      baseDir: folder,
    });

    // Assess
    expect(problems).toEqual([
      {
        path: "analysis_config.json $.methods.post_training_bias.methods",
        message: expect.stringMatching(/^FT with 2 instances: /),
      },
    ]);
  });
});
