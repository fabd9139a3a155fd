/**
 * The explanation worker threads started from the engine image's bundles, as the processing job
 * starts them there (an endpoint explained on several threads): from the explanation workers' own
 * bundle, and from the engine's bundle (which a worker loads when its own is missing or stale).
 * Either bundle serves the blocks, and the values are those of one thread.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildContainerContext, type ContainerContext } from "../../container/build-bundle.ts";
import {
  type BlockResult,
  blockCount,
  type ExplainJob,
  onThisThread,
} from "../../engine/explain/explain-job.ts";
import { collectShap, shapSettings } from "../../engine/explain/kernel-shap/kernel-shap.ts";
import { httpModel } from "../../engine/explain/model/http-model.ts";
import { startExplainThreads } from "../../engine/explain/parallel-explanations.ts";
import { seededRandom } from "../../engine/seeded-random.ts";
import { type ModelServer, startModelServer } from "../../examples/models/model-server.ts";
import { logisticRegression } from "../../examples/models/onnx-writer.ts";

const F = 6;
let root: string;
let context: ContainerContext;
let server: ModelServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "explain-bundle-"));
  context = await buildContainerContext(join(root, "context"));
  const modelPath = join(root, "lr.onnx");
  await writeFile(modelPath, logisticRegression([0.5, -0.4, 0.3, 0.9, -0.2, 0.1], 0.05));
  server = await startModelServer({ modelPath, featureCount: F });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe.each([
  ["the explanation workers' bundle", () => context.explainWorkerPath],
  ["the engine's bundle", () => context.bundlePath],
])("explanation workers started from %s", (_name, scriptPath) => {
  it("explain an endpoint's rows on 3 threads with exactly the values of one thread", async () => {
    // Prepare: 300 rows, 20 sampled coalitions each, blocks of 21 rows
    const random = seededRandom(9);
    const rows = Float64Array.from({ length: 300 * F }, () => Math.round((random() * 4 - 2) * 100) / 100);
    const codec = { names: ["a", "b", "c", "d", "e", "f"], categories: new Array(F).fill(undefined) };
    const model = httpModel(server.url, { codec });
    const { settings, evaluations } = await shapSettings({
      model,
      featureCount: F,
      baseline: new Float64Array(F),
      baselineWeights: Float64Array.of(1),
      numSamples: 20,
      seed: 4,
      useLogit: false,
      evaluationsPerCall: 21 * 21,
    });
    const job: ExplainJob = { kind: "shap", settings };
    const count = blockCount(job, 300);
    const alone = await collectShap(settings, 300, evaluations, (take) =>
      onThisThread(model, rows)(job, count, take as (block: number, result: BlockResult) => void),
    );
    const threads = startExplainThreads(
      3,
      { endpoint: server.url },
      { codec },
      rows,
      model,
      pathToFileURL(scriptPath()),
    );
    // Act
    let spread: Awaited<ReturnType<typeof collectShap>>;
    let workerCpu: number[];
    try {
      spread = await collectShap(settings, 300, evaluations, (take) =>
        threads.run(job, count, take as (block: number, result: BlockResult) => void),
      );
    } finally {
      workerCpu = await threads.close();
    }
    // Assess: both workers opened the model (each was handed its first two of the 15 blocks)
    expect(count).toBe(15);
    expect(workerCpu).toHaveLength(2);
    expect(spread.values).toEqual(alone.values);
    expect(spread.predictions).toEqual(alone.predictions);
    expect(spread.modelEvaluations).toBe(alone.modelEvaluations);
  });
});
