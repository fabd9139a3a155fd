/**
 * A SHAP baseline given as an `s3://` file: the processing job downloads it with the job's
 * credentials (here from a real S3 protocol server), on one instance and on each host of
 * several, and explains against it as against the same file given by its local path.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineInputError } from "../../../../engine/errors.ts";
import { mergeOutputFolder } from "../../../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../../../engine/output/json-file-text.ts";
import { runProcessingJob, runProcessingOnHost } from "../../../../engine/processing/run-processing-job.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";
import { csvParts, jobOutput, jobTrees, json, root } from "../../../support/multi-host-trees.ts";

const dir = mkdtempSync(join(tmpdir(), "shap-baseline-"));
const MODEL = join(dir, "credit.onnx");
// The credit example's 12 features.
writeFileSync(
  MODEL,
  logisticRegression([0.02, -0.3, 1e-4, -2e-4, 0.01, 0.05, 0.1, -0.2, 1e-4, 0.1, -0.1, 0.02], -0.5),
);
const BASELINE =
  "age,sex,income,credit_amount,duration,purpose,employment,housing,savings,existing_credits,dependents,region\n40,0,3500,4700,36,3,2,0,900,2,1,3\n28,1,2100,2500,12,1,1,1,300,1,0,5\n";
const LOCAL_BASELINE = join(dir, "baseline.csv");
writeFileSync(LOCAL_BASELINE, BASELINE);

let server: EmbeddedS3;
beforeAll(async () => {
  server = await startEmbeddedS3({ directory: join(dir, "s3"), buckets: ["baselines"] });
  const s3 = server.createClient();
  await s3.send(new PutObjectCommand({ Bucket: "baselines", Key: "credit/baseline.csv", Body: BASELINE }));
  s3.destroy();
});
afterAll(() => server.close());

/** The credit example's bias config with sampled SHAP against `baseline` (the job's model stands for the predictor's). */
function config(baseline: string): Record<string, unknown> {
  const example = json("examples/credit/analysis_config.json");
  return {
    ...example,
    predictor: json("examples/credit/explain_config.json").predictor,
    methods: {
      pre_training_bias: { methods: ["CI"] },
      shap: { baseline, num_samples: 30, seed: 4, save_local_shap_values: true },
    },
  };
}

const CREDIT = readFileSync(join(root, "examples/credit/credit.csv"), "utf8");
const FILES = csvParts(CREDIT, ["part-0.csv", "part-1.csv", "part-2.csv"], [300, 450, 250]);
const options = () => ({
  log: () => {},
  threads: 1,
  environment: { CLARIFY_PIPELINE_MODEL: MODEL },
  s3: () => server.createClient(),
});

describe("an s3:// SHAP baseline in a processing job", () => {
  it("is downloaded by one instance and by each host of several, with the local file's values", async () => {
    // Prepare
    const fromS3 = jobTrees(config("s3://baselines/credit/baseline.csv"), FILES, [[0, 2], [1]]);
    const local = jobTrees(config(LOCAL_BASELINE), FILES, [[0, 2], [1]]);
    const lines: string[] = [];

    // Act
    await runProcessingJob({ ...options(), processingDir: local.whole });
    await runProcessingJob({ ...options(), processingDir: fromS3.whole, log: (line) => lines.push(line) });
    for (const host of fromS3.hosts) {
      await runProcessingOnHost({
        ...options(),
        processingDir: host.tree,
        resourceConfigPath: host.resourceConfig,
      });
    }
    const merged = await mergeOutputFolder(jobOutput(fromS3));

    // Assess
    const analysis = (tree: string) => readFileSync(join(tree, "output", "analysis.json"), "utf8");
    expect(lines).toContain("SHAP baseline: s3://baselines/credit/baseline.csv");
    expect(analysis(fromS3.whole)).toBe(analysis(local.whole));
    expect(JSON.parse(analysis(local.whole)).explanations.kernel_shap.label0.expected_value).toBeTypeOf(
      "number",
    );
    expect(jsonFileText(merged.analysis)).toBe(analysis(local.whole));
    // The copies do not outlive the job.
    for (const tree of [fromS3.whole, ...fromS3.hosts.map((host) => host.tree)]) {
      expect(await readdir(tree)).toEqual(expect.not.arrayContaining([".downloads"]));
    }
  }, 60_000);

  it("is not downloaded by a host whose shard holds no row, which explains nothing", async () => {
    // Prepare: algo-2 gets no file, then a file of no row (a Spark part of an empty partition);
    // the URI names no object, so a download would fail the host
    const header = `${CREDIT.split("\n")[0]}\n`;
    const baseline = config("s3://baselines/credit/nothing.csv");
    const idle = [
      jobTrees(baseline, FILES, [[0, 1, 2], []]),
      jobTrees(baseline, { ...FILES, "part-3.csv": header }, [[0, 1, 2], [3]]),
    ].map((trees) => trees.hosts[1] as (typeof trees.hosts)[0]);
    const lines: string[] = [];

    // Act
    for (const host of idle) {
      await runProcessingOnHost({
        ...options(),
        processingDir: host.tree,
        resourceConfigPath: host.resourceConfig,
        log: (line) => lines.push(line),
      });
    }

    // Assess: each wrote its host file, with no explanations, and read no baseline
    for (const host of idle) {
      const partial = JSON.parse(readFileSync(join(host.tree, "output", "partial", "algo-2.json"), "utf8"));
      expect(partial.host).toBe("algo-2");
      expect(partial.explanations).toBeUndefined();
    }
    expect(lines.filter((line) => line.startsWith("SHAP baseline"))).toEqual([]);
    expect(lines).toContain("host algo-2 of 2: explained 0 rows (0 model evaluations)");
  }, 60_000);

  it("fails naming the field and the URI when it names no object, or a prefix", async () => {
    // Prepare
    const missing = jobTrees(config("s3://baselines/credit/nothing.csv"), FILES, [[0], [1, 2]]);
    const prefix = jobTrees(config("s3://baselines/credit/"), FILES, [[0], [1, 2]]);
    const host = missing.hosts[0] as (typeof missing.hosts)[0];

    // Act
    const failure = (run: Promise<unknown>) =>
      run.then(
        () => undefined,
        (error: Error) => error,
      );
    const none = await failure(
      runProcessingOnHost({
        ...options(),
        processingDir: host.tree,
        resourceConfigPath: host.resourceConfig,
      }),
    );
    const folder = await failure(runProcessingJob({ ...options(), processingDir: prefix.whole }));

    // Assess
    expect(none).toBeInstanceOf(EngineInputError);
    expect(none?.message).toContain(
      "$.methods.shap.baseline s3://baselines/credit/nothing.csv names no S3 object",
    );
    expect(folder).toBeInstanceOf(EngineInputError);
    expect(folder?.message).toContain(
      "$.methods.shap.baseline s3://baselines/credit/ is a prefix (1 object below it), not an object: a baseline is one CSV file, named by its own key",
    );
  }, 60_000);
});
