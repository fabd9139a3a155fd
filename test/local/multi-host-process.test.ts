/**
 * `process` as the container runs it (container/entrypoint.ts as a child process) on the trees
 * of a job of several hosts, each with SageMaker's resourceconfig.json: every host writes only
 * its partial counts (a host file and a tables object per dataset file), whose merge is the
 * one-host analysis.json byte for byte; what several instances cannot compute is refused
 * through the message file.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { mergeOutputFolder } from "../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../engine/output/json-file-text.ts";
import { CONTAINER_ENTRYPOINT } from "../../local/clarify-container.ts";
import {
  creditConfig,
  csvParts,
  hostOutputListing,
  jobOutput,
  jobTrees,
  root,
} from "../support/multi-host-trees.ts";

const run = promisify(execFile);
const CREDIT_CSV = readFileSync(join(root, "examples/credit/credit.csv"), "utf8");
const FOUR = ["part-0.csv", "part-1.csv", "part-2.csv", "part-3.csv"];

/** The container's `process` on one host's tree: exit code, stdout, and the message file's line. */
async function processOn(tree: string, resourceConfig: string) {
  const message = join(tree, "..", "message");
  const args = [CONTAINER_ENTRYPOINT, "process", "--processing-dir", tree, "--message-file", message];
  const child = await run(process.execPath, [...args, "--resource-config", resourceConfig], {
    env: { PATH: process.env.PATH ?? "", CLARIFY_PIPELINE_THREADS: "1" },
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return { ...child, message: existsSync(message) ? readFileSync(message, "utf8").trimEnd() : undefined };
}

describe("process on the hosts of a multi-instance job", () => {
  it("writes partial counts on each host whose merge is the one-host analysis.json", async () => {
    // Prepare: 2 hosts, files interleaved; the one-host job is told it is the only host.
    const trees = jobTrees(creditConfig(), csvParts(CREDIT_CSV, FOUR), [
      [3, 0],
      [1, 2],
    ]);
    const oneHost = join(trees.whole, "..", "resourceconfig.json");
    writeFileSync(oneHost, JSON.stringify({ current_host: "algo-1", hosts: ["algo-1"] }));

    // Act
    const whole = await processOn(trees.whole, oneHost);
    const hosts = await Promise.all(trees.hosts.map((host) => processOn(host.tree, host.resourceConfig)));

    // Assess
    expect(whole.code).toBe(0);
    expect(hosts.map((h) => h.code)).toEqual([0, 0]);
    expect(hosts[0]?.stdout).toMatch(/^host algo-1 of 2 \(algo-1, algo-2\)$/m);
    expect(hosts[1]?.stdout).toMatch(/^host algo-2 of 2: counted 2 files, 500 rows in [\d.]+ s$/m);
    for (const host of trees.hosts) {
      expect(readdirSync(join(host.tree, "output"), { recursive: true }).sort()).toEqual(
        hostOutputListing(host.name, 2),
      );
    }
    const merged = await mergeOutputFolder(jobOutput(trees));
    const out = (file: string) => readFileSync(join(trees.whole, "output", file), "utf8");
    expect(jsonFileText(merged.analysis)).toBe(out("analysis.json"));
    expect(jsonFileText(merged.context)).toBe(out("analysis_context.json"));
    expect(jsonFileText(merged.intervals)).toBe(out("intervals.json"));
  }, 60_000);

  it.each([
    [
      "FT",
      creditConfig({ methods: { post_training_bias: { methods: ["DPPL", "FT"] } } }),
      /^ClientError: the analysis config asks for what a job of 2 instances cannot compute: \$\.methods\.post_training_bias\.methods: FT with 2 instances: the Flip Test compares/,
    ],
    [
      "SHAP without a baseline",
      creditConfig({ methods: { pre_training_bias: { methods: "all" }, shap: { num_samples: 5 } } }),
      /^ClientError: the analysis config asks for what a job of 2 instances cannot compute: \$\.methods\.shap\.baseline: methods\.shap without a baseline with 2 instances: the baseline is clustered from the whole dataset, which no single host holds; give the baseline as rows or a file .*, or run it on one instance \(job\.instanceCount 1\)$/,
    ],
    [
      "PDP",
      creditConfig({ methods: { pre_training_bias: { methods: "all" }, pdp: { features: ["age"] } } }),
      /^ClientError: the analysis config asks for what a job of 2 instances cannot compute: \$\.methods\.pdp: methods\.pdp with 2 instances: its grid comes from the whole dataset's values of each feature \(their range, their categories\), which no single host holds; run it on one instance \(job\.instanceCount 1\)$/,
    ],
  ])(
    "refuses %s with several hosts through the message file, writing no output",
    async (_, config, line) => {
      // Prepare
      const trees = jobTrees(config, csvParts(CREDIT_CSV, FOUR), [
        [0, 1],
        [2, 3],
      ]);
      const host = trees.hosts[0] as (typeof trees.hosts)[0];

      // Act
      const result = await processOn(host.tree, host.resourceConfig);

      // Assess
      expect(result.code).toBe(1);
      expect(result.message).toMatch(line);
      expect(result.message).not.toContain("\n");
      expect(existsSync(join(host.tree, "output/partial"))).toBe(false);
    },
    30_000,
  );

  it("refuses a dataset named by dataset_uri alone: every host would read all of it", async () => {
    // Prepare: no dataset input on the host.
    const trees = jobTrees(creditConfig({ dataset_uri: "s3://bucket/credit/" }), {}, [[], []]);
    const host = trees.hosts[1] as (typeof trees.hosts)[0];
    const { rmSync } = await import("node:fs");
    rmSync(join(host.tree, "input/data"), { recursive: true });

    // Act
    const result = await processOn(host.tree, host.resourceConfig);

    // Assess
    expect(result.code).toBe(1);
    expect(result.message).toBe(
      'ClientError: dataset_uri with 2 instances: every host would read all of "s3://bucket/credit/"; give the dataset as the job\'s dataset input, which SageMaker shards across the hosts (ShardedByS3Key), or run it on one instance (job.instanceCount 1)',
    );
  }, 30_000);

  it("refuses a predicted label dataset input: its rows cannot be kept beside a sharded dataset's", async () => {
    // Prepare
    const trees = jobTrees(creditConfig(), csvParts(CREDIT_CSV, FOUR), [
      [0, 1],
      [2, 3],
    ]);
    const host = trees.hosts[0] as (typeof trees.hosts)[0];
    mkdirSync(join(host.tree, "input/predicted_label_data"), { recursive: true });
    writeFileSync(join(host.tree, "input/predicted_label_data/part-0.csv"), "1\n0\n");

    // Act
    const result = await processOn(host.tree, host.resourceConfig);

    // Assess
    expect(result.code).toBe(1);
    expect(result.message).toBe(
      "ClientError: a predicted label dataset (input/predicted_label_data) with 2 instances: its rows must be read beside the dataset's rows, which a sharded dataset does not keep together; put the predicted labels in a dataset column, or run it on one instance (job.instanceCount 1)",
    );
    expect(existsSync(join(host.tree, "output/partial"))).toBe(false);
  }, 30_000);

  it("fails with one line on a malformed resource config", async () => {
    // Prepare
    const trees = jobTrees(creditConfig(), csvParts(CREDIT_CSV, FOUR), [[0], [1, 2, 3]]);
    const host = trees.hosts[0] as (typeof trees.hosts)[0];
    writeFileSync(
      host.resourceConfig,
      JSON.stringify({ current_host: "algo-9", hosts: ["algo-1", "algo-2"] }),
    );

    // Act
    const result = await processOn(host.tree, host.resourceConfig);

    // Assess
    expect(result.code).toBe(1);
    expect(result.message).toBe(
      `AlgorithmError: resource config ${host.resourceConfig}: current_host "algo-9" is not one of hosts ["algo-1","algo-2"]`,
    );
  }, 30_000);
});
