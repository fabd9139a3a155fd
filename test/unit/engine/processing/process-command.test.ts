/**
 * `clarify-pipeline process`: the container's contract on a processing tree. Inputs under
 * input/, or the S3 URIs the analysis config names (read from a real S3 protocol server);
 * results under output/; a failure's reason in the message file and exit code 1.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../../../bin/cli/main.ts";
import { formatFailureMessage, MESSAGE_LIMIT } from "../../../../engine/processing/failure-message.ts";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../../local/embedded-s3.ts";

const FIXTURE = new URL("../../../local/fixtures/credit-mini/", import.meta.url).pathname;

let root: string;
let s3Server: EmbeddedS3;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "process-command-"));
  s3Server = await startEmbeddedS3({ directory: join(root, "s3"), buckets: ["job-data"] });
  const s3 = s3Server.createClient();
  const csv = await readFile(join(FIXTURE, "train.csv"), "utf8");
  const [header, ...rows] = csv.trimEnd().split("\n");
  await s3.send(new PutObjectCommand({ Bucket: "job-data", Key: "credit/train.csv", Body: csv }));
  // The same rows as two parts under a prefix, each with its header row.
  const half = Math.ceil(rows.length / 2);
  for (const [index, part] of [rows.slice(0, half), rows.slice(half)].entries()) {
    await s3.send(
      new PutObjectCommand({
        Bucket: "job-data",
        Key: `parts/part-${index}.csv`,
        Body: `${header}\n${part.join("\n")}\n`,
      }),
    );
  }
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await s3Server.close();
  await rm(root, { recursive: true, force: true });
});

async function fixtureConfig(changes: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return { ...JSON.parse(await readFile(join(FIXTURE, "analysis_config.json"), "utf8")), ...changes };
}

/** A fresh `/opt/ml` with the given config and data files (paths relative to processing/input/data). */
async function processingTree(
  config: Record<string, unknown> | undefined,
  data: Record<string, string> = {},
): Promise<{ ml: string; processing: string; message: string }> {
  counter++;
  const ml = join(root, `tree-${counter}`, "opt", "ml");
  const processing = join(ml, "processing");
  await mkdir(join(processing, "input", "config"), { recursive: true });
  if (config) {
    await writeFile(join(processing, "input/config/analysis_config.json"), JSON.stringify(config));
  }
  for (const [name, text] of Object.entries(data)) {
    await mkdir(join(processing, "input/data", name, ".."), { recursive: true });
    await writeFile(join(processing, "input/data", name), text);
  }
  return { ml, processing, message: join(ml, "output", "message") };
}

async function runProcess(tree: { processing: string; message: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["process", "--processing-dir", tree.processing, "--message-file", tree.message], {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

async function runAnalyze(dataset: string, config: Record<string, unknown>) {
  counter++;
  const dir = join(root, `analyze-${counter}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  const code = await main(
    ["analyze", "--dataset", dataset, "--config", join(dir, "config.json"), "--out", join(dir, "out")],
    { stdout: () => {}, stderr: () => {} },
  );
  expect(code).toBe(0);
  return readFile(join(dir, "out", "analysis.json"), "utf8");
}

/** The files analyze writes for the fixture: process must write the same set. */
async function analyzeOutputs(dataset: string, config: Record<string, unknown>): Promise<string[]> {
  await runAnalyze(dataset, config);
  return (await readdir(join(root, `analyze-${counter}`, "out"))).sort();
}

/** The job's credentials and endpoint, as SageMaker would provide them (here: the embedded server's). */
function stubJobEnvironment(): void {
  vi.stubEnv("AWS_ENDPOINT_URL", s3Server.endpoint);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
}

describe("clarify-pipeline process", () => {
  it("writes the same analysis.json as analyze on the same inputs, with progress on stdout", async () => {
    // Prepare
    const config = await fixtureConfig();
    const csv = await readFile(join(FIXTURE, "train.csv"), "utf8");
    const tree = await processingTree(config, { "train.csv": csv });
    const expected = await runAnalyze(join(FIXTURE, "train.csv"), config);

    // Act
    const result = await runProcess(tree);

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
    const outputs = await analyzeOutputs(join(FIXTURE, "train.csv"), config);
    expect(outputs).toEqual(expect.arrayContaining(["analysis.json", "report.html"]));
    expect((await readdir(join(tree.processing, "output"))).sort()).toEqual(outputs);
    expect(result.stdout.split("\n")).toEqual(
      expect.arrayContaining([
        "analysis config: input/config/analysis_config.json",
        "dataset: input/data (1 file)",
        expect.stringMatching(/^analysed 80 rows in \d+\.\d\d s$/),
        "wrote output/analysis.json",
      ]),
    );
    await expect(readFile(tree.message)).rejects.toThrow(/ENOENT/);
  });

  it("reads a dataset given as a folder of parts like the single file", async () => {
    // Prepare
    const config = await fixtureConfig();
    const [header, ...rows] = (await readFile(join(FIXTURE, "train.csv"), "utf8")).trimEnd().split("\n");
    const tree = await processingTree(config, {
      "part-0.csv": `${header}\n${rows.slice(0, 30).join("\n")}\n`,
      "nested/part-1.csv": `${header}\n${rows.slice(30).join("\n")}\n`,
    });
    const expected = await runAnalyze(join(FIXTURE, "train.csv"), config);

    // Act
    const result = await runProcess(tree);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dataset: input/data (2 files)");
    expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
    // The analysis context names the parts within the job's tree, not by the host's path.
    const context = JSON.parse(await readFile(join(tree.processing, "output/analysis_context.json"), "utf8"));
    expect(context.dataset.files).toEqual(["input/data/nested/part-1.csv", "input/data/part-0.csv"]);
  });

  it("reads dataset_uri from S3 with the job's credentials when the job has no dataset input", async () => {
    // Prepare
    stubJobEnvironment();
    const object = await processingTree(
      await fixtureConfig({ dataset_uri: "s3://job-data/credit/train.csv" }),
    );
    const prefix = await processingTree(await fixtureConfig({ dataset_uri: "s3://job-data/parts/" }));
    const expected = await runAnalyze(join(FIXTURE, "train.csv"), await fixtureConfig());

    // Act
    const fromObject = await runProcess(object);
    const fromPrefix = await runProcess(prefix);

    // Assess
    expect(fromObject.code).toBe(0);
    expect(fromObject.stdout).toContain("dataset: dataset_uri s3://job-data/credit/train.csv (1 object)");
    expect(fromPrefix.code).toBe(0);
    expect(fromPrefix.stdout).toContain("dataset: dataset_uri s3://job-data/parts/ (2 objects)");
    for (const tree of [object, prefix]) {
      expect(await readFile(join(tree.processing, "output/analysis.json"), "utf8")).toBe(expected);
      // The downloaded copy does not outlive the job's analysis.
      expect(await readdir(tree.processing)).toEqual(expect.not.arrayContaining([".downloads"]));
    }
  });

  it("fails with a ClientError line in the message file when the config is missing", async () => {
    // Prepare
    const tree = await processingTree(undefined, { "train.csv": "a,b\n1,2\n" });

    // Act
    const result = await runProcess(tree);

    // Assess
    const line =
      "ClientError: no analysis configuration at /opt/ml/processing/input/config/analysis_config.json (the job's analysis_config input)";
    expect(result.code).toBe(1);
    expect(await readFile(tree.message, "utf8")).toBe(`${line}\n`);
    expect(result.stderr).toBe(`error: ${line}\n`);
  });

  it("fails naming the URI when dataset_uri names nothing, and leaves no output", async () => {
    // Prepare
    stubJobEnvironment();
    const tree = await processingTree(await fixtureConfig({ dataset_uri: "s3://job-data/missing/" }));

    // Act
    const result = await runProcess(tree);

    // Assess
    expect(result.code).toBe(1);
    expect(await readFile(tree.message, "utf8")).toBe(
      "ClientError: dataset_uri s3://job-data/missing/ names no S3 object\n",
    );
    expect(await readdir(tree.processing)).toEqual(["input"]);
  });

  it("fails with one line naming the option when the engine cannot compute the analysis", async () => {
    // Prepare
    const csv = await readFile(join(FIXTURE, "train.csv"), "utf8");
    const config = await fixtureConfig({
      methods: { shap: { num_samples: 10, text_config: { granularity: "token", language: "english" } } },
      predictor: { endpoint_name: "credit-model" },
    });
    const tree = await processingTree(config, { "train.csv": csv });

    // Act
    const result = await runProcess(tree);

    // Assess
    expect(result.code).toBe(1);
    const message = await readFile(tree.message, "utf8");
    expect(message).toMatch(/^ClientError: methods\.shap\.text_config: .*\n$/);
    expect(message.trimEnd()).not.toContain("\n");
  });
});

describe("formatFailureMessage", () => {
  it("joins lines and keeps the message within SageMaker's 1 KB", () => {
    // Prepare
    const long = `first\n  second ${"x".repeat(2000)}`;

    // Act
    const line = formatFailureMessage("AlgorithmError", long);

    // Assess
    expect(line.startsWith("AlgorithmError: first; second x")).toBe(true);
    expect(line).toHaveLength(MESSAGE_LIMIT);
    expect(line).not.toContain("\n");
  });
});
