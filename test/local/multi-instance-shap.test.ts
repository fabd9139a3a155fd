/**
 * `run --local` of the builtin engine on several instances with `methods.shap`, through the real
 * state machine: each host explains the rows of its shard of the dataset (a folder of part
 * files, dealt across the hosts) against the given baseline and writes their local values;
 * CollectResults computes the global values from them in the dataset's file order and writes
 * out.csv. analysis.json, analysis_context.json and out.csv must be those of one instance, byte
 * for byte: exact and sampled SHAP, median, several labels, with and without bias metrics.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../engine/seeded-random.ts";
import { multilayerPerceptron } from "../../examples/models/onnx-writer.ts";
import { localEngineSettings } from "../../local/local-settings.ts";
import { csvColumns, writeParquet } from "../support/parquet-writer.ts";
import { type ScenarioWorkspace, scenarioWorkspace } from "./support/scenario.ts";

const ROOT = join(import.meta.dirname, "../..");
const builtin = { settings: localEngineSettings("builtin") };

let workspace: ScenarioWorkspace;
beforeAll(async () => {
  workspace = await scenarioWorkspace("multi-instance-shap");
  await writeFile(join(workspace.root, "lr.onnx"), await readFile(join(ROOT, "examples/credit/model.onnx")));
  // 12 features → 3 tanh units → a softmax over 2 classes: two labels to explain.
  const random = seededRandom(21);
  const weight = (scale: number) => (random() - 0.5) * scale;
  await writeFile(
    join(workspace.root, "mlp.onnx"),
    multilayerPerceptron(
      { w: Array.from({ length: 12 }, () => [weight(1e-3), weight(0.05), weight(0.5)]), b: [0.1, -0.2, 0] },
      { w: Array.from({ length: 3 }, () => [weight(2), weight(2)]), b: [0, 0.1] },
    ),
  );
  const [header, ...rows] = (await readFile(join(ROOT, "examples/credit/credit.csv"), "utf8"))
    .trimEnd()
    .split("\n");
  // 5 part files of unequal sizes: more files than hosts, no host holding consecutive ones.
  const cuts = [0, 130, 390, 520, 810, rows.length];
  await mkdir(join(workspace.root, "credit-parts"), { recursive: true });
  await mkdir(join(workspace.root, "credit-parquet"), { recursive: true });
  for (let part = 0; part < cuts.length - 1; part++) {
    const slice = rows.slice(cuts[part], cuts[part + 1]);
    const name = `part-${String(part).padStart(5, "0")}`;
    await writeFile(join(workspace.root, "credit-parts", `${name}.csv`), `${header}\n${slice.join("\n")}\n`);
    writeParquet(
      join(workspace.root, "credit-parquet", `${name}.parquet`),
      csvColumns(`${header}\n${slice.join("\n")}\n`),
    );
  }
});
afterAll(async () => {
  await workspace.close();
});

const BASELINE = [
  [40, 0, 3500, 4700, 36, 3, 2, 0, 900, 2, 1, 3],
  [28, 1, 2100, 2500, 12, 1, 1, 1, 300, 1, 0, 5],
];

const creditConfig = async (methods: Record<string, unknown>, edit: Record<string, unknown> = {}) => {
  const config = JSON.parse(await readFile(join(ROOT, "examples/credit/explain_config.json"), "utf8"));
  return { ...config, methods, ...edit };
};

interface Case {
  readonly name: string;
  readonly config: () => Promise<Record<string, unknown>>;
  readonly model: string;
  readonly labels: readonly string[];
  /** The dataset folder (default: the CSV parts). */
  readonly dataset?: string;
}

const CASES: readonly Case[] = [
  {
    name: "bias metrics and exact SHAP of 4 explained features, median",
    model: "lr.onnx",
    labels: ["label0"],
    config: () =>
      creditConfig({
        pre_training_bias: { methods: "all" },
        post_training_bias: { methods: ["DPPL", "DI", "AD"] },
        shap: {
          baseline: BASELINE,
          features_to_explain: ["age", "income", "credit_amount", "duration"],
          num_samples: 64,
          agg_method: "median",
          save_local_shap_values: true,
        },
      }),
  },
  {
    name: "bias metrics and seeded sampled SHAP of every feature, mean_abs",
    model: "lr.onnx",
    labels: ["label0"],
    config: () =>
      creditConfig({
        pre_training_bias: { methods: ["CI", "DPL"] },
        shap: { baseline: BASELINE, num_samples: 40, seed: 3, save_local_shap_values: true },
      }),
  },
  {
    name: "the same as 5 Parquet part files",
    model: "lr.onnx",
    labels: ["label0"],
    dataset: "credit-parquet/",
    config: () =>
      creditConfig(
        {
          pre_training_bias: { methods: ["CI", "DPL"] },
          shap: { baseline: BASELINE, num_samples: 40, seed: 3, save_local_shap_values: true },
        },
        { dataset_type: "application/x-parquet" },
      ),
  },
  {
    name: "SHAP alone, no bias method, of a model of two labels, sampled, mean_sq",
    model: "mlp.onnx",
    labels: ["bad", "good"],
    config: () =>
      creditConfig(
        {
          shap: {
            baseline: [BASELINE[0]],
            num_samples: 30,
            seed: 5,
            agg_method: "mean_sq",
            use_logit: true,
            save_local_shap_values: true,
          },
        },
        {
          predictor: {
            model_name: "credit-mlp",
            instance_type: "ml.m5.large",
            initial_instance_count: 1,
            label_headers: ["bad", "good"],
          },
        },
      ),
  },
];

async function runOn(instanceCount: number, config: string, model: string, dataset = "credit-parts/") {
  const report = await workspace.run(
    {
      runName: `shap-instances-${instanceCount}`,
      analysisConfigUri: config,
      dataset: { uri: dataset, s3DataType: "S3Prefix" },
      job: { instanceCount, maxRuntimeInSeconds: 86_400 },
      localModel: model,
      gates: {},
    },
    builtin,
  );
  const output = join(report.resultsDirectory ?? "", "output");
  const read = (file: string) => readFile(join(output, file), "utf8").catch(() => "(none)");
  return {
    report,
    analysis: await read("analysis.json"),
    context: await read("analysis_context.json"),
    localValues: await read("explanations_shap/out.csv"),
  };
}

describe("run --local --engine builtin on several instances with methods.shap", () => {
  for (const [index, { name, config, model, labels, dataset }] of CASES.entries()) {
    it(`writes the one-instance analysis.json and out.csv on 2 and 3 instances: ${name}`, async () => {
      // Prepare
      const configFile = `shap-config-${index}.json`;
      await writeFile(join(workspace.root, configFile), JSON.stringify(await config()));

      // Act
      const one = await runOn(1, configFile, model, dataset);
      const two = await runOn(2, configFile, model, dataset);
      const three = await runOn(3, configFile, model, dataset);

      // Assess
      expect(one.report.verdict, one.report.log.join("\n")).toBe("succeeded");
      expect(JSON.parse(one.analysis).explanations.kernel_shap).toBeDefined();
      expect(one.localValues.split("\n")).toHaveLength(1002);
      const explainedBy = three.report.log.filter((line) => / of 3: explained \d+ rows/.test(line));
      expect(explainedBy).toHaveLength(3);
      expect(Object.keys(JSON.parse(one.analysis).explanations.kernel_shap)).toEqual(labels);
      for (const several of [two, three]) {
        expect(several.report.verdict, several.report.log.join("\n")).toBe("succeeded");
        expect(several.analysis).toBe(one.analysis);
        expect(several.context).toBe(one.context);
        expect(several.localValues).toBe(one.localValues);
      }
    });
  }

  it("fails in ValidateConfig, with a summary.json, for SHAP without a baseline and for PDP on two instances", async () => {
    // Prepare
    const config = await creditConfig({
      pre_training_bias: { methods: ["CI"] },
      shap: { num_samples: 40, seed: 3 },
      pdp: { features: ["age"], grid_resolution: 5 },
    });
    await writeFile(join(workspace.root, "shap-refused.json"), JSON.stringify(config));

    // Act
    const report = await workspace.run(
      {
        analysisConfigUri: "shap-refused.json",
        dataset: { uri: "credit-parts/", s3DataType: "S3Prefix" },
        job: { instanceCount: 2 },
        localModel: "lr.onnx",
      },
      builtin,
    );

    // Assess
    expect(report.execution.failedStep).toBe("ValidateConfig");
    expect(report.sageMakerCalls.createProcessingJob).toBe(0);
    const summary = report.summary as { problems: string[] };
    expect(summary.problems).toEqual([
      expect.stringMatching(
        /shap-refused\.json \$\.methods\.shap\.baseline: methods\.shap without a baseline with 2 instances: the baseline is clustered from the whole dataset, which no single host holds; give the baseline as rows or a file \(a one-instance run writes the one it clusters to explanations_shap\/baseline\.csv, which can be given here\), or run it on one instance \(job\.instanceCount 1\)$/,
      ),
      expect.stringMatching(
        /shap-refused\.json \$\.methods\.pdp: methods\.pdp with 2 instances: its grid comes from the whole dataset's values of each feature \(their range, their categories\), which no single host holds; run it on one instance \(job\.instanceCount 1\)$/,
      ),
    ]);
  });
});
