import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalyzeOptions, analyze } from "../../../../engine/analyze.ts";
import { ModelError } from "../../../../engine/errors.ts";
import { loadOnnxModel } from "../../../../engine/explain/model/onnx-model.ts";
import {
  explainThreadCount,
  MIN_EVALUATIONS_PER_THREAD,
  startExplainThreads,
  threadLimit,
  workerModelSource,
} from "../../../../engine/explain/parallel-explanations.ts";
import { seededRandom } from "../../../../engine/seeded-random.ts";
import { type ModelServer, startModelServer } from "../../../../examples/models/model-server.ts";
import { logisticRegression, multilayerPerceptron } from "../../../../examples/models/onnx-writer.ts";
import { functionModel } from "./function-model.ts";

const F = 8;
const NAMES = Array.from({ length: F }, (_, f) => `x${f}`);
const dir = mkdtempSync(join(tmpdir(), "parallel-explanations-"));
const LR = join(dir, "lr.onnx");
const MLP = join(dir, "mlp.onnx");
const random = seededRandom(5);
writeFileSync(
  LR,
  logisticRegression(
    Array.from({ length: F }, () => random() * 2 - 1),
    0.2,
  ),
);
writeFileSync(
  MLP,
  multilayerPerceptron(
    {
      w: Array.from({ length: F }, () => [random() - 0.5, random() - 0.5, random() - 0.5]),
      b: [0.1, -0.2, 0],
    },
    { w: Array.from({ length: 3 }, () => [random() - 0.5, random() - 0.5]), b: [0, 0.1] },
  ),
);

/** `rows` rows of F features (two decimals, so the CSV holds them exactly) and a label. */
function dataset(name: string, rows: number, edit?: (row: number[], r: number) => void): string {
  const values = seededRandom(rows);
  const lines = [[...NAMES, "y"].join(",")];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: F }, () => Math.round((values() * 4 - 2) * 100) / 100);
    edit?.(row, r);
    lines.push([...row, r % 3 === 0 ? 1 : 0].join(","));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const BIAS = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "x0", value_or_threshold: [0] }],
};
/** Every coalition (2^8 − 2), one baseline row: 255 evaluations a row, 40 rows a block of 10,200. */
const EXACT = {
  ...BIAS,
  methods: {
    pre_training_bias: { methods: ["CI"] },
    shap: { baseline: [new Array(F).fill(0)], num_samples: 254, agg_method: "median" },
    pdp: { features: ["x1", "x2", "x3"], grid_resolution: 5 },
  },
};
/** 40 coalitions drawn per row from seed 3, against a baseline of 3 clusters. */
const SAMPLED = {
  ...BIAS,
  methods: {
    pre_training_bias: { methods: ["CI"] },
    shap: { num_samples: 40, seed: 3, num_clusters: 3, use_logit: true },
    pdp: { top_k_features: 3, grid_resolution: 4 },
  },
};
const FILES = [
  "analysis.json",
  "analysis_context.json",
  "report.html",
  "explanations_shap/out.csv",
  "explanations_shap/baseline.csv",
];

let runs = 0;
/** analyze on `threads` threads, with blocks of 10,200 model evaluations and no threshold. */
async function explainOn(threads: number, options: Omit<AnalyzeOptions, "outDir" | "intervals">) {
  const outDir = join(dir, `run-${++runs}`);
  const result = await analyze({
    ...options,
    outDir,
    intervals: false,
    threads: { threads },
    explainBlocks: { minEvaluationsPerThread: 0, evaluationsPerCall: 10_200 },
  });
  const files = Object.fromEntries(
    FILES.map((file) => {
      try {
        return [file, readFileSync(join(outDir, file), "utf8")];
      } catch {
        return [file, "(none)"];
      }
    }),
  );
  return { result, files };
}

let server: ModelServer;
let mlpServer: ModelServer;
beforeAll(async () => {
  server = await startModelServer({ modelPath: LR, featureCount: F });
  mlpServer = await startModelServer({ modelPath: MLP, featureCount: F });
});
afterAll(async () => {
  await server.close();
  await mlpServer.close();
});

describe("explanations on several threads", () => {
  const data = () => dataset("data.csv", 400);

  it.each([
    ["exact SHAP and PDP", EXACT, LR, 402],
    ["seeded sampled SHAP and PDP", SAMPLED, LR, 402],
    ["exact SHAP and PDP, two labels,", EXACT, MLP, 402],
    [
      "PDP alone, two labels,",
      { ...BIAS, methods: { pdp: { features: ["x0", "x5"], grid_resolution: 6 } } },
      MLP,
      1,
    ],
  ])(
    "%s of an ONNX model: the same files, byte for byte, on 1, 2 and 3 threads",
    async (_, config, modelPath, localLines) => {
      // Prepare
      const datasetPath = data();
      // Act
      const runs = [];
      for (const threads of [1, 2, 3]) {
        runs.push(await explainOn(threads, { datasetPath, config, model: { onnx: modelPath } }));
      }
      // Assess
      const [one, two, three] = runs;
      expect(runs.map((run) => run.result.explained?.threads)).toEqual([1, 2, 3]);
      expect(two?.files).toEqual(one?.files);
      expect(three?.files).toEqual(one?.files);
      // 400 rows, a header and the last line's end; PDP alone writes none ("(none)": 1 line)
      expect(one?.files["explanations_shap/out.csv"]?.split("\n")).toHaveLength(localLines);
      expect(three?.result.explained?.modelEvaluations).toBe(one?.result.explained?.modelEvaluations);
    },
  );

  it.each([
    ["exact", EXACT],
    ["seeded sampled", SAMPLED],
  ])("%s SHAP and PDP of the HTTP model server: the same files on 1, 2 and 3 threads", async (_, config) => {
    // Prepare
    const datasetPath = dataset("http.csv", 250);
    // Act
    const runs = [];
    for (const threads of [1, 2, 3]) {
      runs.push(await explainOn(threads, { datasetPath, config, model: { endpoint: server.url } }));
    }
    // Assess
    const [one, two, three] = runs;
    expect(runs.map((run) => run.result.explained?.threads)).toEqual([1, 2, 3]);
    expect(two?.files).toEqual(one?.files);
    expect(three?.files).toEqual(one?.files);
    const local = await explainOn(1, { datasetPath, config, model: { onnx: LR } });
    expect(three?.files["analysis.json"]).toBe(local.files["analysis.json"]);
  });

  it("draws a sampled row's coalitions from the seed, its file and its position alone, whatever the rows before it", async () => {
    // Prepare: the same rows, but the first 100 equal to the baseline (no feature varies, nothing drawn)
    const config = {
      ...SAMPLED,
      methods: { ...SAMPLED.methods, shap: { num_samples: 40, seed: 3, baseline: [new Array(F).fill(0)] } },
    };
    // One file name in two folders: a row's stream is keyed by its file's name and its place
    mkdirSync(join(dir, "drawn"));
    mkdirSync(join(dir, "still"));
    const drawn = dataset("drawn/rows.csv", 400);
    const still = dataset("still/rows.csv", 400, (row, r) => {
      if (r < 100) row.fill(0);
    });
    // Act
    const first = await explainOn(1, { datasetPath: drawn, config, model: { onnx: LR } });
    const second = await explainOn(3, { datasetPath: still, config, model: { onnx: LR } });
    // Assess
    const rowsOf = (csv: string | undefined) => csv?.trim().split("\n").slice(1) ?? [];
    const stillRows = rowsOf(second.files["explanations_shap/out.csv"]);
    expect(stillRows[0]).toBe(new Array(F).fill(0).join(","));
    expect(stillRows.slice(100)).toEqual(rowsOf(first.files["explanations_shap/out.csv"]).slice(100));
  });
});

describe("how many threads explain", () => {
  it("keeps a small job on one thread, and gives each thread at least 2^21 model evaluations", async () => {
    // Act
    const small = await analyze({
      datasetPath: dataset("small.csv", 400),
      config: EXACT,
      outDir: join(dir, "small"),
      model: { onnx: LR },
      intervals: false,
      threads: { threads: 4 },
    });
    // Assess: 400 rows × 255 + PDP 3 × 400 × 5 evaluations
    expect(small.explained?.threads).toBe(1);
    expect(MIN_EVALUATIONS_PER_THREAD).toBe(2 ** 21);
    expect(explainThreadCount(2 * 2 ** 21 - 1, { threads: 4 })).toBe(1);
    expect(explainThreadCount(3 * 2 ** 21, { threads: 4 })).toBe(3);
    expect(explainThreadCount(100 * 2 ** 21, { threads: 4 })).toBe(4);
    expect(explainThreadCount(100 * 2 ** 21, { threads: 1 })).toBe(1);
  });

  it("keeps a model object, or a SageMaker client it was handed, on this thread", async () => {
    // Prepare
    const model = functionModel(1, (x) => [(x[0] ?? 0) + 2 * (x[1] ?? 0)]);
    // Act
    const result = await analyze({
      datasetPath: dataset("object.csv", 100),
      config: EXACT,
      outDir: join(dir, "object"),
      model,
      intervals: false,
      threads: { threads: 3 },
      explainBlocks: { minEvaluationsPerThread: 0, evaluationsPerCall: 1000 },
    });
    // Assess
    expect(result.explained?.threads).toBe(1);
    expect(workerModelSource(model)).toBeUndefined();
    expect(workerModelSource({ sagemakerEndpoint: "e", runtime: {} as never })).toBeUndefined();
    expect(workerModelSource({ sagemakerEndpoint: "e" })).toEqual({ sagemakerEndpoint: "e" });
    expect(workerModelSource({ onnx: LR })).toEqual({ onnx: LR });
  });

  it("sends an endpoint the requests of 4 threads at most, and lets an ONNX model use every thread", async () => {
    // Act
    const result = await analyze({
      datasetPath: dataset("limit.csv", 200),
      config: EXACT,
      outDir: join(dir, "limit"),
      model: { endpoint: server.url },
      intervals: false,
      threads: { threads: 6 },
      explainBlocks: { minEvaluationsPerThread: 0, evaluationsPerCall: 10_200 },
    });
    // Assess
    expect(result.explained?.threads).toBe(4);
    expect(threadLimit({ endpoint: server.url })).toBe(4);
    expect(threadLimit({ sagemakerEndpoint: "e" })).toBe(4);
    expect(threadLimit({ onnx: LR })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("a model that fails on a worker thread", () => {
  /** Scores x0 + x1, and refuses (HTTP 400) a request holding a row whose x0 is 70 or more. */
  let refusing: Server;
  let url: string;
  beforeAll(async () => {
    refusing = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      request.on("end", () => {
        const rows = body.split("\n").map((line) => line.split(",").map(Number));
        const bad = rows.find((row) => (row[0] ?? 0) >= 70);
        if (bad) {
          response.writeHead(400).end(`x0 = ${bad[0]} is out of the model's range`);
          return;
        }
        response.writeHead(200).end(rows.map((row) => (row[0] ?? 0) + (row[1] ?? 0)).join("\n"));
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const address = refusing.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => refusing.close(() => resolve())));

  it("fails with the error one thread meets first: the model's, naming the endpoint, the rows and its reason", async () => {
    // Prepare: 10 blocks of 40 rows; x0 = 70 in block 2 (the second worker's first) and 80 in block 7
    const datasetPath = dataset("refused.csv", 400, (row, r) => {
      if (r === 85) row[0] = 70;
      if (r === 290) row[0] = 80;
    });
    const config = { ...EXACT, methods: { shap: EXACT.methods.shap } };
    // Act
    const errors: unknown[] = [];
    for (const threads of [1, 2, 3]) {
      errors.push(
        await explainOn(threads, { datasetPath, config, model: { endpoint: url } }).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
    }
    // Assess
    const [one, two, three] = errors;
    expect(one).toBeInstanceOf(ModelError);
    expect((one as Error).message).toBe(
      `${url}/invocations refused 10000 rows: HTTP 400: x0 = 70 is out of the model's range`,
    );
    for (const other of [two, three]) {
      expect(other).toBeInstanceOf(ModelError);
      expect((other as Error).message).toBe((one as Error).message);
    }
  });

  it("lets a worker still opening its model open and close it before its thread stops", async () => {
    // Prepare: stopped at once, the workers are still loading the ONNX session. Terminating a thread
    // inside that load aborts the whole process, so stopping waits for each model to open and close.
    const model = await loadOnnxModel(LR, { featureCount: F });
    const threads = startExplainThreads(
      3,
      { onnx: LR },
      { codec: { names: NAMES, categories: new Array(F).fill(undefined) } },
      new Float64Array(40 * F),
      model,
    );
    try {
      // Act
      const cpuSeconds = await threads.close();
      // Assess: both workers opened their model (only a worker that did reports its CPU seconds).
      expect(cpuSeconds).toHaveLength(2);
      for (const seconds of cpuSeconds) expect(seconds).toBeGreaterThan(0);
    } finally {
      await model.close();
    }
  });

  it("fails with the worker's one-line error when a worker cannot open the model", async () => {
    // Prepare: this thread's model opens; the workers are sent a file that is not there
    const model = await loadOnnxModel(LR, { featureCount: F });
    const rows = new Float64Array(40 * F);
    const threads = startExplainThreads(
      2,
      { onnx: join(dir, "gone.onnx") },
      { codec: { names: NAMES, categories: new Array(F).fill(undefined) } },
      rows,
      model,
    );
    const job = {
      kind: "pdp" as const,
      settings: { featureCount: F, curves: [{ feature: 0, grid: Float64Array.of(0, 1), rowsPerBlock: 4 }] },
    };
    try {
      // Act
      const run = threads.run(job, 10, () => {});
      // Assess
      await expect(run).rejects.toThrow(ModelError);
      await expect(run).rejects.toThrow(
        `--model ${join(dir, "gone.onnx")} cannot be loaded as an ONNX model`,
      );
    } finally {
      await threads.close();
      await model.close();
    }
  });
});
