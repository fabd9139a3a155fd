import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateRunInputOffline } from "../../lambdas/validate-config/offline.ts";
import { localDeploymentSettings } from "../../local/local-settings.ts";
import { runCli } from "../support/run-cli.ts";

const EXAMPLE = new URL("../../examples/credit/", import.meta.url).pathname;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "local-model-test-"));
  for (const file of ["explain_config.json", "credit.csv", "model.onnx", "run-explain.json"]) {
    await copyFile(join(EXAMPLE, file), join(root, file));
  }
  // A smaller SHAP budget keeps the test quick; the example itself keeps its own.
  const config = JSON.parse(await readFile(join(root, "explain_config.json"), "utf8"));
  config.methods.shap = {
    baseline: [[40, 0, 3500, 4700, 36, 3, 2, 0, 900, 2, 1, 3]],
    num_samples: 60,
    seed: 1,
  };
  await writeFile(join(root, "explain_config.json"), JSON.stringify(config));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("run --local with localModel", () => {
  it("explains the ONNX model of run.json in the same job as the bias metrics", async () => {
    // Prepare
    const out = join(root, "out");
    // Act
    const result = await runCli(["run", "--local", "--input", join(root, "run-explain.json"), "--out", out]);
    // Assess
    expect(result.code, result.stderr).not.toBe(1);
    expect(result.stderr).toContain("job: explained 1000 rows");
    const analysis = JSON.parse(await readFile(join(out, "output", "analysis.json"), "utf8"));
    expect(analysis.post_training_bias_metrics).toBeDefined();
    expect(Object.keys(analysis.explanations.kernel_shap.label0.global_shap_values)).toHaveLength(12);
    expect(analysis.explanations.pdp).toHaveLength(4);
    expect(
      (await readFile(join(out, "output", "explanations_shap", "out.csv"), "utf8")).split("\n")[0],
    ).toContain("age_label0,sex_label0,income_label0");
  });

  it("explains on the threads the job's environment asks for, with the values of one thread", async () => {
    // Prepare: the first case's run, its job told to explain on 2 threads however small the work
    const input = JSON.parse(await readFile(join(root, "run-explain.json"), "utf8"));
    const environment = {
      CLARIFY_PIPELINE_THREADS: "2",
      CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD: "0",
    };
    await writeFile(
      join(root, "run-explain-threads.json"),
      JSON.stringify({ ...input, job: { ...input.job, environment } }),
    );
    const out = join(root, "out-threads");
    // Act
    const result = await runCli([
      "run",
      "--local",
      "--input",
      join(root, "run-explain-threads.json"),
      "--out",
      out,
    ]);
    // Assess
    expect(result.code, result.stderr).not.toBe(1);
    expect(result.stderr).toMatch(/job: explained 1000 rows \(\d+ model evaluations\) on 2 threads/);
    const explanations = async (folder: string) =>
      JSON.parse(await readFile(join(folder, "output", "analysis.json"), "utf8")).explanations;
    expect(await explanations(out)).toEqual(await explanations(join(root, "out")));
  });

  it("refuses a localModel that names no file, before anything runs", async () => {
    // Prepare
    const input = JSON.parse(await readFile(join(root, "run-explain.json"), "utf8"));
    await writeFile(join(root, "missing.json"), JSON.stringify({ ...input, localModel: "nothing.onnx" }));
    // Act
    const result = await runCli([
      "run",
      "--local",
      "--input",
      join(root, "missing.json"),
      "--out",
      join(root, "x"),
    ]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("$.localModel nothing.onnx: no such file");
  });

  it("is accepted by validate in local mode only", async () => {
    // Prepare
    const input = JSON.parse(await readFile(join(root, "run-explain.json"), "utf8"));
    const settings = localDeploymentSettings();
    // Act
    const local = await validateRunInputOffline(input, settings, { baseDir: root });
    const aws = await validateRunInputOffline(input, settings, { baseDir: root, allowLocalPaths: false });
    const bad = await validateRunInputOffline({ ...input, localModel: { endpoint: "ftp://x" } }, settings, {
      baseDir: root,
    });
    // Assess
    expect(local.filter((p) => p.path === "$.localModel")).toEqual([]);
    expect(aws.filter((p) => p.path === "$.localModel").map((p) => p.message)).toEqual([
      "is read only by run --local (a model on this machine); on AWS the analysis config's predictor names the model",
    ]);
    expect(bad.filter((p) => p.path === "$.localModel")).toHaveLength(1);
  });

  it("runs a config of explanations alone on a dataset of features alone, end to end through the state machine", async () => {
    // Prepare: the credit features without the label and predicted label columns
    const csv = (await readFile(join(root, "credit.csv"), "utf8")).trim().split("\n");
    const features = csv.map((line) => line.split(",").slice(0, 12).join(","));
    await writeFile(join(root, "features.csv"), `${features.join("\n")}\n`);
    const explain = JSON.parse(await readFile(join(root, "explain_config.json"), "utf8"));
    await writeFile(
      join(root, "features_config.json"),
      JSON.stringify({
        dataset_type: "text/csv",
        headers: (features[0] as string).split(","),
        methods: { shap: explain.methods.shap, pdp: { top_k_features: 2, grid_resolution: 4 } },
        predictor: explain.predictor,
      }),
    );
    await writeFile(
      join(root, "features-run.json"),
      JSON.stringify({
        runName: "credit-features-explained",
        analysisConfigUri: "features_config.json",
        dataset: { uri: "features.csv", s3DataType: "S3Prefix" },
        localModel: "model.onnx",
      }),
    );
    const out = join(root, "features-out");
    // Act
    const result = await runCli(["run", "--local", "--input", join(root, "features-run.json"), "--out", out]);
    // Assess
    expect(result.code, result.stderr).toBe(0);
    const analysis = JSON.parse(await readFile(join(out, "output", "analysis.json"), "utf8"));
    expect(Object.keys(analysis)).toEqual(["version", "explanations"]);
    expect(Object.keys(analysis.explanations.kernel_shap.label0.global_shap_values)).toHaveLength(12);
    expect(analysis.explanations.pdp).toHaveLength(2);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
    expect(summary.status).toBe("Succeeded");
    expect(summary.gates).toEqual([]);
    const report = await readFile(join(out, "report.html"), "utf8");
    expect(report).toContain('id="explanations"');
    expect(report).not.toContain("Bias gates failed");
  });

  it("refuses a gate on a bias metric when the config asks for explanations alone, naming the gate", async () => {
    // Prepare: the config and data of the previous case
    const input = JSON.parse(await readFile(join(root, "features-run.json"), "utf8"));
    await writeFile(
      join(root, "features-gated.json"),
      JSON.stringify({ ...input, gates: { DI: { min: 0.8 } } }),
    );
    // Act
    const result = await runCli([
      "run",
      "--local",
      "--input",
      join(root, "features-gated.json"),
      "--out",
      join(root, "gated-out"),
    ]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "$.gates.DI: gate on DI, but no bias method runs: the analysis config asks only for methods.shap, methods.pdp (no methods.pre_training_bias or methods.post_training_bias), so DI is never computed; remove the gate or add a bias method",
    );
  });
});
