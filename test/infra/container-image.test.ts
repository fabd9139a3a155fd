/**
 * The engine's image, short of Docker (which cannot run here): the build context that
 * `npm run build:container` writes, its engine bundle run as the image would run it (from a
 * folder with no node_modules) with the count and explanation workers' bundles beside it, and
 * the Dockerfile's references to those bundles and its user.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../bin/cli/main.ts";
import { BUNDLE_FILE, buildContainerContext, type ContainerContext } from "../../container/build-bundle.ts";
import { EXPLAIN_WORKER_BUNDLE } from "../../engine/explain/explain-worker-script.ts";
import { mergeOutputFolder } from "../../engine/merge/merge-output-folder.ts";
import { jsonFileText } from "../../engine/output/json-file-text.ts";
import { COUNT_WORKER_BUNDLE } from "../../engine/parallel/count-worker-script.ts";
import { runProcessingJob } from "../../engine/processing/run-processing-job.ts";
import { EMBEDDED_S3_CREDENTIALS, type EmbeddedS3, startEmbeddedS3 } from "../../local/embedded-s3.ts";
import { type ScoringServer, startScoringServer } from "../support/scoring-server.ts";

const EXAMPLE = new URL("../../examples/credit/", import.meta.url).pathname;

let root: string;
let context: ContainerContext;
let s3Server: EmbeddedS3;
/** The model the explanations call: p = sigmoid(Σ features / 5,000 − 1). */
let model: ScoringServer;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "container-image-"));
  context = await buildContainerContext(join(root, "context"));
  s3Server = await startEmbeddedS3({ directory: join(root, "s3"), buckets: ["job-data"] });
  model = await startScoringServer((cells) => {
    const sum = cells.reduce((total, cell) => total + Number(cell), 0);
    return 1 / (1 + Math.exp(1 - sum / 5000));
  });
  await s3Server.createClient().send(
    new PutObjectCommand({
      Bucket: "job-data",
      Key: "credit/credit.csv",
      Body: await readFile(join(EXAMPLE, "credit.csv")),
    }),
  );
}, 60_000);

afterAll(async () => {
  await model?.close();
  await s3Server?.close();
  await rm(root, { recursive: true, force: true });
});

/** An `/opt/ml` tree holding the example's config (with changes) and, unless left out, its dataset. */
async function processingTree(changes: Record<string, unknown> = {}, withData = true) {
  counter++;
  const ml = join(root, `job-${counter}`, "opt", "ml");
  const processing = join(ml, "processing");
  await mkdir(join(processing, "input/config"), { recursive: true });
  const config = JSON.parse(await readFile(join(EXAMPLE, "analysis_config.json"), "utf8"));
  await writeFile(
    join(processing, "input/config/analysis_config.json"),
    JSON.stringify({ ...config, ...changes }),
  );
  if (withData) {
    await mkdir(join(processing, "input/data"), { recursive: true });
    await writeFile(join(processing, "input/data/credit.csv"), await readFile(join(EXAMPLE, "credit.csv")));
  }
  return { processing, message: join(ml, "output", "message") };
}

/** `node clarify-pipeline.mjs process ...` with only the job's environment, as the image's entrypoint runs. */
function runBundle(
  tree: { processing: string; message: string },
  env: Record<string, string> = {},
  args: readonly string[] = [],
  bundlePath = context.bundlePath,
) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bundlePath, "process", "--processing-dir", tree.processing, "--message-file", tree.message, ...args],
      { cwd: dirname(bundlePath), env: { PATH: process.env.PATH ?? "", ...env } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A copy of the built context, changed by `change`; the path of its engine bundle. */
async function contextCopy(name: string, change: (directory: string) => Promise<void>): Promise<string> {
  const copy = join(root, `${name}-${++counter}`);
  await cp(context.directory, copy, { recursive: true });
  await change(copy);
  return join(copy, BUNDLE_FILE);
}

/** `runBundle` of that engine bundle, counting on 2 threads whatever the dataset's size. */
const runOnTwoThreads = (tree: { processing: string; message: string }, bundlePath: string) =>
  runBundle(
    tree,
    { CLARIFY_PIPELINE_THREADS: "2", CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD: "0" },
    [],
    bundlePath,
  );

/** A count workers' bundle that fails as it loads. */
const FAILING_WORKERS = 'throw new Error("the count workers\' bundle ran");\n';

/** An explanation workers' bundle that fails as it loads. */
const FAILING_EXPLAIN_WORKERS = 'throw new Error("the explanation workers\' bundle ran");\n';

/** The example's config explaining its 12 features against one baseline row, SHAP and PDP. */
const EXPLAINED = {
  predictor: { endpoint_name: "credit-model" },
  methods: {
    shap: { baseline: [[40, 0, 4000, 4000, 30, 1, 2, 0, 1000, 2, 1, 3]], num_samples: 16, seed: 7 },
    pdp: { features: ["income", "duration"], grid_resolution: 5 },
  },
};

/** The job's environment explaining with the test's model, on 2 threads whatever the work's size. */
const explainOnTwoThreads = () => ({
  CLARIFY_PIPELINE_MODEL_ENDPOINT: model.url,
  CLARIFY_PIPELINE_THREADS: "2",
  CLARIFY_PIPELINE_MIN_EVALUATIONS_PER_THREAD: "0",
});

/** analysis.json of the explained example, from the sources on one thread. */
async function explainExample(): Promise<string> {
  const tree = await processingTree(EXPLAINED);
  await runProcessingJob({
    processingDir: tree.processing,
    log: () => {},
    threads: 1,
    environment: { CLARIFY_PIPELINE_MODEL_ENDPOINT: model.url },
  });
  return readFile(join(tree.processing, "output/analysis.json"), "utf8");
}

async function analyzeExample(): Promise<string> {
  const out = join(root, "analyze");
  const code = await main(
    [
      "analyze",
      "--dataset",
      join(EXAMPLE, "credit.csv"),
      "--config",
      join(EXAMPLE, "analysis_config.json"),
      "--out",
      out,
    ],
    { stdout: () => {}, stderr: () => {} },
  );
  expect(code).toBe(0);
  return readFile(join(out, "analysis.json"), "utf8");
}

describe("the engine's container image", () => {
  it("is built from the engine's bundle and the workers' bundles, outside any node_modules tree", async () => {
    // Assess
    expect((await readdir(context.directory)).sort()).toEqual([
      "Dockerfile",
      COUNT_WORKER_BUNDLE,
      EXPLAIN_WORKER_BUNDLE,
      BUNDLE_FILE,
    ]);
    expect(context.bundleBytes).toBeGreaterThan(0);
    // The count workers' bundle holds the count path only (no AWS SDK, no command line).
    expect((await stat(context.countWorkerPath)).size).toBeLessThan(context.bundleBytes / 4);
    // The explanation workers' holds the model and the SHAP/PDP blocks: the SageMaker Runtime
    // client, but no S3 client, count path, command line or report.
    const explainWorkers = await readFile(context.explainWorkerPath, "utf8");
    expect(explainWorkers.length).toBeLessThan(context.bundleBytes / 2);
    expect(explainWorkers).toContain("InvokeEndpoint");
    expect(explainWorkers).not.toContain("GetObjectCommand");
    expect(explainWorkers).not.toContain("The clarify-pipeline engine as a SageMaker processing container.");
    // The engine's holds the `process` command alone, none of the local runtime's commands.
    const bundle = await readFile(context.bundlePath, "utf8");
    expect(bundle).toContain("The clarify-pipeline engine as a SageMaker processing container.");
    expect(bundle).not.toContain("Run SageMaker Clarify bias analyses as a Step Functions workflow");
  });

  it("runs `process` on a processing tree and writes what analyze writes", async () => {
    // Prepare
    const tree = await processingTree();
    const expected = await analyzeExample();

    // Act
    const result = await runBundle(tree);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dataset: input/data (1 file)");
    expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
    expect(await readdir(join(tree.processing, "output"))).toEqual(
      expect.arrayContaining(["analysis.json", "report.html"]),
    );
  });

  it("counts on worker threads started from the count workers' bundle, with the same analysis.json", async () => {
    // Prepare
    const tree = await processingTree();
    const expected = await analyzeExample();

    // Act
    const result = await runBundle(tree, {
      CLARIFY_PIPELINE_THREADS: "3",
      CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD: "0",
    });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/analysed \d+ rows.* on 3 threads/);
    expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
  });

  it("starts its count workers from the count workers' bundle it names", async () => {
    // Prepare: a copy of the context whose workers' bundle fails as it loads, and whose engine
    // bundle names that file's SHA-256 instead of the built one's
    const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");
    const built = sha256(await readFile(context.countWorkerPath));
    const engine = await readFile(context.bundlePath, "utf8");
    const bundle = await contextCopy("named-workers", async (copy) => {
      await writeFile(join(copy, COUNT_WORKER_BUNDLE), FAILING_WORKERS);
      await writeFile(join(copy, BUNDLE_FILE), engine.replace(built, sha256(FAILING_WORKERS)));
    });
    const tree = await processingTree();

    // Act
    const result = await runOnTwoThreads(tree, bundle);

    // Assess
    expect(engine).toContain(built);
    expect(result.code).toBe(1);
    expect(await readFile(tree.message, "utf8")).toContain("the count workers' bundle ran");
  });

  for (const [name, change] of [
    [
      "of another build beside it",
      (copy: string) => writeFile(join(copy, COUNT_WORKER_BUNDLE), FAILING_WORKERS),
    ],
    ["missing", (copy: string) => rm(join(copy, COUNT_WORKER_BUNDLE))],
  ] as const) {
    it(`counts on worker threads with its own bundle's code when the count workers' bundle is ${name}`, async () => {
      // Prepare
      const bundle = await contextCopy("workers", change);
      const tree = await processingTree();
      const expected = await analyzeExample();

      // Act
      const result = await runOnTwoThreads(tree, bundle);

      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/analysed \d+ rows.* on 2 threads/);
      expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
    });
  }

  it("explains on worker threads started from the explanation workers' bundle, with the same analysis.json", async () => {
    // Prepare
    const tree = await processingTree(EXPLAINED);
    const expected = await explainExample();

    // Act
    const result = await runBundle(tree, explainOnTwoThreads());

    // Assess
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/explained 1000 rows \(\d+ model evaluations\) on 2 threads/);
    const analysis = await readFile(join(tree.processing, "output/analysis.json"), "utf8");
    expect(analysis).toContain('"kernel_shap"');
    expect(analysis).toBe(expected);
  });

  it("starts its explanation workers from the explanation workers' bundle it names", async () => {
    // Prepare: a copy of the context whose explanation workers' bundle fails as it loads, and
    // whose engine bundle names that file's SHA-256 instead of the built one's
    const sha256 = (bytes: string | Buffer) => createHash("sha256").update(bytes).digest("hex");
    const built = sha256(await readFile(context.explainWorkerPath));
    const engine = await readFile(context.bundlePath, "utf8");
    const bundle = await contextCopy("named-explain-workers", async (copy) => {
      await writeFile(join(copy, EXPLAIN_WORKER_BUNDLE), FAILING_EXPLAIN_WORKERS);
      await writeFile(join(copy, BUNDLE_FILE), engine.replace(built, sha256(FAILING_EXPLAIN_WORKERS)));
    });
    const tree = await processingTree(EXPLAINED);

    // Act
    const result = await runBundle(tree, explainOnTwoThreads(), [], bundle);

    // Assess
    expect(engine).toContain(built);
    expect(result.code).toBe(1);
    expect(await readFile(tree.message, "utf8")).toContain("the explanation workers' bundle ran");
  });

  for (const [name, change] of [
    [
      "of another build beside it",
      (copy: string) => writeFile(join(copy, EXPLAIN_WORKER_BUNDLE), FAILING_EXPLAIN_WORKERS),
    ],
    ["missing", (copy: string) => rm(join(copy, EXPLAIN_WORKER_BUNDLE))],
  ] as const) {
    it(`explains on worker threads with its own bundle's code when the explanation workers' bundle is ${name}`, async () => {
      // Prepare
      const bundle = await contextCopy("explain-workers", change);
      const tree = await processingTree(EXPLAINED);
      const expected = await explainExample();

      // Act
      const result = await runBundle(tree, explainOnTwoThreads(), [], bundle);

      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/explained 1000 rows \(\d+ model evaluations\) on 2 threads/);
      expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
    });
  }

  it("counts a host's files of a multi-instance job on worker threads started from the bundle", async () => {
    // Prepare: host algo-1 of 2 holds the example as 3 part files; algo-2 holds none.
    const methods = {
      pre_training_bias: { methods: "all" },
      post_training_bias: { methods: ["DPPL", "DI", "CDDPL"] },
    };
    const tree = await processingTree({ methods }, false);
    const [header, ...rows] = (await readFile(join(EXAMPLE, "credit.csv"), "utf8")).trimEnd().split("\n");
    await mkdir(join(tree.processing, "input/data"), { recursive: true });
    for (let part = 0; part < 3; part++) {
      const slice = rows.slice(part * 400, (part + 1) * 400);
      await writeFile(
        join(tree.processing, `input/data/part-${part}.csv`),
        `${header}\n${slice.join("\n")}\n`,
      );
    }
    const hosts = { hosts: ["algo-1", "algo-2"] };
    const resourceConfig = join(tree.processing, "..", "resourceconfig.json");
    await writeFile(resourceConfig, JSON.stringify({ current_host: "algo-1", ...hosts }));
    const other = await processingTree({ methods }, false);
    const otherConfig = join(other.processing, "..", "resourceconfig.json");
    await writeFile(otherConfig, JSON.stringify({ current_host: "algo-2", ...hosts }));
    const config = join(root, `config-${counter}.json`);
    const exampleConfig = JSON.parse(await readFile(join(EXAMPLE, "analysis_config.json"), "utf8"));
    await writeFile(config, JSON.stringify({ ...exampleConfig, methods }));
    const analyzed = join(root, `analyze-${counter}`);
    const io = { stdout: () => {}, stderr: () => {} };
    expect(
      await main(
        ["analyze", "--dataset", join(EXAMPLE, "credit.csv"), "--config", config, "--out", analyzed],
        io,
      ),
    ).toBe(0);

    // Act
    const result = await runBundle(
      tree,
      { CLARIFY_PIPELINE_THREADS: "2", CLARIFY_PIPELINE_MIN_BYTES_PER_THREAD: "0" },
      ["--resource-config", resourceConfig],
    );
    const second = await runBundle(other, {}, ["--resource-config", otherConfig]);

    // Assess
    expect([result.code, second.code]).toEqual([0, 0]);
    expect(result.stdout).toMatch(/^host algo-1 of 2: counted 3 files, 1000 rows in [\d.]+ s on 2 threads$/m);
    // SageMaker uploads both hosts' output folders to one prefix.
    const output = join(root, `job-output-${counter}`);
    for (const t of [tree, other]) await cp(join(t.processing, "output"), output, { recursive: true });
    const merged = await mergeOutputFolder(output);
    expect(jsonFileText(merged.analysis)).toBe(await readFile(join(analyzed, "analysis.json"), "utf8"));
  });

  it("reads dataset_uri from S3 with the job's credentials (the bundled SDK)", async () => {
    // Prepare
    const tree = await processingTree({ dataset_uri: "s3://job-data/credit/credit.csv" }, false);
    const expected = await analyzeExample();

    // Act
    const result = await runBundle(tree, {
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL: s3Server.endpoint,
      AWS_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
    });

    // Assess
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dataset: dataset_uri s3://job-data/credit/credit.csv (1 object)");
    expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
  });

  it("exits 1 with the one-line reason in the message file when the analysis config is wrong", async () => {
    // Prepare
    const tree = await processingTree({ label: "no_such_column" });

    // Act
    const result = await runBundle(tree);

    // Assess
    expect(result.code).toBe(1);
    const message = await readFile(tree.message, "utf8");
    expect(message).toMatch(/^ClientError: .*no_such_column.*\n$/);
    expect(message.trimEnd()).not.toContain("\n");
    expect(result.stderr).toBe(`error: ${message}`);
  });
});

describe("container/Dockerfile", () => {
  const instructions = async () =>
    (await readFile(context.dockerfilePath, "utf8"))
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
      .join("\n")
      .replace(/\\\n\s*/g, " ")
      .split("\n")
      .map((line) => {
        const [keyword = "", ...rest] = line.trim().split(/\s+/);
        return { keyword: keyword.toUpperCase(), argument: rest.join(" ") };
      });

  it("starts from a Node 22 base pinned by digest", async () => {
    // Act
    const from = (await instructions()).filter((instruction) => instruction.keyword === "FROM");

    // Assess
    expect(from).toHaveLength(1);
    expect(from[0]?.argument).toMatch(/^node:22(?:[.\w-]*)?@sha256:[a-f0-9]{64}$/);
  });

  it("copies the bundles the build writes and runs the engine's with `process` as an unprivileged user", async () => {
    // Act
    const all = await instructions();
    const copies = all.filter((instruction) => instruction.keyword === "COPY");
    const copy = copies[0];
    const entrypoint = all.find((instruction) => instruction.keyword === "ENTRYPOINT");
    const users = all.filter((instruction) => instruction.keyword === "USER");

    // Assess: the copied file is the bundle and the entrypoint runs that very path.
    const [source, destination] = copy?.argument.split(" ") ?? [];
    expect(source).toBe(BUNDLE_FILE);
    expect(JSON.parse(entrypoint?.argument ?? "null")).toEqual(["node", destination, "process"]);
    // The workers' bundles land beside it, where the engine looks for them.
    expect(copies.map((instruction) => instruction.argument).slice(1)).toEqual(
      [COUNT_WORKER_BUNDLE, EXPLAIN_WORKER_BUNDLE].map(
        (file) => `${file} ${join(dirname(destination ?? ""), file)}`,
      ),
    );
    // The last USER wins and must not be root; nothing after it runs as root again.
    expect(users.at(-1)?.argument).toMatch(/^(?!root\b|0\b)[a-z_][\w-]*$|^[1-9]\d*(?::\d+)?$/);
    expect(all.findIndex((instruction) => instruction.keyword === "USER")).toBeGreaterThan(
      all.findLastIndex((instruction) => instruction.keyword === "RUN"),
    );
    // No dependency install: everything the image runs is in the bundle.
    expect(
      all.filter((instruction) => /\b(npm|yarn|pnpm|apt-get|curl|wget)\b/.test(instruction.argument)),
    ).toEqual([]);
  });
});
