/**
 * `npm run bench:explain`: Kernel SHAP against an ONNX logistic regression run in-process.
 *
 * - exact: 1,000 rows × 10 features, one baseline row, every coalition (2^10 − 2 = 1,022 per row,
 *   plus the row itself): about a million model evaluations.
 * - sampled: 1,000 rows × 20 features, KernelExplainer's default budget (2·20 + 2,048).
 * - the exact case end to end through `analyze` (CSV read, model load, SHAP, analysis.json).
 * - threads: both cases through `analyze` (SHAP alone) on 1 thread and on every core
 *   (`os.availableParallelism()`), as the engine chooses (small jobs stay on one thread) and with
 *   the small-job threshold off, and the ratio of the medians.
 * - a worker thread's start: its CPU until its script has loaded, from the explanation workers'
 *   own bundle (what the image's workers load), from the engine's bundle (what they load when
 *   theirs is missing or stale) and for an empty script (Node's own start of a thread); and its
 *   CPU from its start until it has opened and closed an ONNX model (what a worker costs before
 *   its first block), from either bundle and from the sources. Medians of 7.
 *
 * Prints the median of 5 runs, rows/s and model evaluations/s.
 */
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { buildContainerContextSync } from "../container/build-bundle.ts";
import { analyze } from "../engine/analyze.ts";
import { kernelShap } from "../engine/explain/kernel-shap/kernel-shap.ts";
import { loadOnnxModel } from "../engine/explain/model/onnx-model.ts";
import { startExplainThreads } from "../engine/explain/parallel-explanations.ts";
import { seededRandom } from "../engine/seeded-random.ts";
import { logisticRegression } from "../examples/models/onnx-writer.ts";
import { median } from "./median.ts";
import { scriptLoadMs } from "./worker-start-up.ts";

const ROWS = 1_000;
const RUNS = 5;
const dir = mkdtempSync(join(tmpdir(), "explain-bench-"));

function table(features: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: ROWS * features }, () => random() * 4 - 2);
}

function modelFile(features: number): string {
  const random = seededRandom(features);
  const path = join(dir, `lr-${features}.onnx`);
  writeFileSync(
    path,
    logisticRegression(
      Array.from({ length: features }, () => random() * 2 - 1),
      0.1,
    ),
  );
  return path;
}

async function timeShap(features: number, numSamples: number | undefined) {
  const path = modelFile(features);
  const rows = table(features, 42);
  const times: number[] = [];
  const cpu: number[] = [];
  let evaluations = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const model = await loadOnnxModel(path, { featureCount: features });
    const result = await kernelShap(rows, {
      model,
      featureCount: features,
      baseline: new Float64Array(features),
      baselineWeights: Float64Array.of(1),
      ...(numSamples !== undefined && { numSamples }),
      seed: 1,
      useLogit: false,
    });
    await model.close();
    times.push((performance.now() - start) / 1000);
    cpu.push(cpuSeconds(startCpu));
    evaluations = result.modelEvaluations;
  }
  return { seconds: median(times), cpuSeconds: median(cpu), evaluations };
}

function csvFile(features: number): string {
  const rows = table(features, 42);
  const header = [...Array.from({ length: features }, (_, f) => `x${f}`), "y"].join(",");
  const lines = [header];
  for (let r = 0; r < ROWS; r++) {
    lines.push(
      [...rows.subarray(r * features, (r + 1) * features)]
        .map((v) => v.toFixed(6))
        .concat(String(r % 2))
        .join(","),
    );
  }
  const data = join(dir, `data-${features}.csv`);
  writeFileSync(data, `${lines.join("\n")}\n`);
  return data;
}

async function timeAnalyze() {
  const features = 10;
  const data = csvFile(features);
  const config = {
    dataset_type: "text/csv",
    label: "y",
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "x0", value_or_threshold: [0] }],
    methods: {
      pre_training_bias: { methods: ["CI"] },
      shap: { baseline: [new Array(features).fill(0)], num_samples: 1022 },
    },
  };
  const model = { onnx: modelFile(features) };
  const times: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    await analyze({ datasetPath: data, config, outDir: join(dir, `out${run}`), model, intervals: false });
    times.push((performance.now() - start) / 1000);
    cpu.push(cpuSeconds(startCpu));
  }
  return { seconds: median(times), cpuSeconds: median(cpu) };
}

/** SHAP alone through `analyze` on `threads` threads: median wall and CPU seconds, and the threads used. */
async function timeThreads(
  features: number,
  numSamples: number | undefined,
  threads: number,
  threshold: boolean,
) {
  const data = csvFile(features);
  const config = {
    dataset_type: "text/csv",
    label: "y",
    methods: {
      shap: {
        baseline: [new Array(features).fill(0)],
        seed: 1,
        save_local_shap_values: true,
        ...(numSamples !== undefined && { num_samples: numSamples }),
      },
    },
  };
  const model = { onnx: modelFile(features) };
  const times: number[] = [];
  const cpu: number[] = [];
  const busiest: number[] = [];
  let used = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const startThread = process.threadCpuUsage();
    const result = await analyze({
      datasetPath: data,
      config,
      outDir: join(dir, `threads-${features}-${threads}-${run}`),
      model,
      intervals: false,
      threads: { threads },
      ...(!threshold && { explainBlocks: { minEvaluationsPerThread: 0 } }),
    });
    times.push((performance.now() - start) / 1000);
    cpu.push(cpuSeconds(startCpu));
    const here = process.threadCpuUsage(startThread);
    busiest.push(Math.max((here.user + here.system) / 1e6, ...(result.explained?.workerCpuSeconds ?? [])));
    used = result.explained?.threads ?? 0;
  }
  return { seconds: median(times), cpuSeconds: median(cpu), busiest: median(busiest), threads: used };
}

async function compareThreads(name: string, features: number, numSamples: number | undefined) {
  const cores = availableParallelism();
  const one = await timeThreads(features, numSamples, 1, true);
  const chosen = await timeThreads(features, numSamples, cores, true);
  const forced = await timeThreads(features, numSamples, cores, false);
  // On a shared machine the wall time holds waits for a core; the busiest thread's CPU time is what
  // the run takes on cores of its own (bench:scale reads the count pass the same way).
  const line = (label: string, t: Awaited<ReturnType<typeof timeThreads>>) =>
    `  ${label.padEnd(38)} on ${t.threads} thread${t.threads === 1 ? " " : "s"}  wall ${t.seconds.toFixed(3)} s (${(one.seconds / t.seconds).toFixed(2)}x)  CPU ${t.cpuSeconds.toFixed(3)} s  on idle cores (busiest thread's CPU) ${t.busiest.toFixed(3)} s (${(one.busiest / t.busiest).toFixed(2)}x)\n`;
  process.stdout.write(
    `${name}, through analyze, ${cores} cores:\n${line("1 thread", one)}${line("all threads, as the engine chooses", chosen)}${line("all threads, small-job threshold off", forced)}`,
  );
}

/** Workers started one after another for each start-up figure. */
const STARTS = 7;

/** An explanation worker's start from each script it may load (see the header), in ms of its thread's CPU. */
async function workerStarts() {
  const image = buildContainerContextSync(join(dir, "image"));
  // The bundles leave onnxruntime-node out (the image has no ONNX runtime): here a worker started
  // from them finds it in the repository's node_modules, as the sources do.
  symlinkSync(join(import.meta.dirname, "..", "node_modules"), join(image.directory, "node_modules"));
  const load = {
    explain: await scriptLoadMs(image.explainWorkerPath, STARTS),
    engine: await scriptLoadMs(image.bundlePath, STARTS),
    empty: await scriptLoadMs(undefined, STARTS),
  };
  const features = 10;
  const path = modelFile(features);
  const model = await loadOnnxModel(path, { featureCount: features });
  const codec = { names: Array.from({ length: features }, (_, f) => `x${f}`), categories: [] };
  const scripts = {
    explain: pathToFileURL(image.explainWorkerPath),
    engine: pathToFileURL(image.bundlePath),
    sources: undefined,
  };
  const opened: Record<keyof typeof scripts, number[]> = { explain: [], engine: [], sources: [] };
  try {
    // The scripts alternate, so a burst of load on a shared machine hits them all.
    for (let start = 0; start < STARTS; start++) {
      for (const name of Object.keys(scripts) as (keyof typeof scripts)[]) {
        const threads = startExplainThreads(
          2,
          { onnx: path },
          { codec },
          table(features, 42),
          model,
          scripts[name],
        );
        const [seconds] = await threads.close();
        if (seconds === undefined)
          throw new Error(`a worker started from the ${name} script did not open its model`);
        opened[name].push(seconds * 1000);
      }
    }
  } finally {
    await model.close();
  }
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  process.stdout.write(
    [
      `an explanation worker's start, its thread's CPU (median of ${STARTS}):`,
      `  until its script has loaded: ${ms(load.explain)} from the explanation workers' bundle (${(statSync(image.explainWorkerPath).size / 1024).toFixed(0)} KB), ${ms(load.engine)} from the engine's bundle (${(image.bundleBytes / 1024).toFixed(0)} KB), ${ms(load.empty)} for an empty script`,
      `  until it has opened and closed an ONNX model: ${ms(median(opened.explain))} from the explanation workers' bundle, ${ms(median(opened.engine))} from the engine's bundle, ${ms(median(opened.sources))} from the sources`,
      "",
    ].join("\n"),
  );
}

/** CPU seconds (user + system, every thread: onnxruntime's included) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function report(name: string, timing: { seconds: number; cpuSeconds: number }, evaluations: number) {
  const { seconds } = timing;
  const perSecond = (n: number) => Math.round(n / seconds).toLocaleString("en-US");
  process.stdout.write(
    `${name.padEnd(44)} ${seconds.toFixed(3)} s (CPU ${timing.cpuSeconds.toFixed(3)} s)   ${perSecond(ROWS)} rows/s   ${perSecond(evaluations)} model evaluations/s (${evaluations.toLocaleString("en-US")})\n`,
  );
}

try {
  const exact = await timeShap(10, 1022);
  report("exact, 1,000 rows × 10 features, 1 baseline", exact, exact.evaluations);
  const sampled = await timeShap(20, undefined);
  report("sampled, 1,000 rows × 20 features (2,088)", sampled, sampled.evaluations);
  const endToEnd = await timeAnalyze();
  report("exact, end to end through analyze (CSV)", endToEnd, exact.evaluations);
  await compareThreads("sampled, 1,000 rows × 20 features (2,088)", 20, undefined);
  await compareThreads("exact, 1,000 rows × 10 features, 1 baseline", 10, 1022);
  await workerStarts();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
