/**
 * `npm run bench:merge`: a job of several instances, on this machine: BENCH_ROWS generated rows
 * (bench-config.json: 3 facets, one of them continuous with a threshold, a group variable, every
 * metric but FT) as BENCH_FILES part files dealt round-robin to BENCH_HOSTS hosts. Prints each
 * host's count time, the size of the partial counts (the host files grow with the dataset's
 * files, a tables object with the distinct values of the analysed columns in its file, not with
 * the rows) and what CollectResults' merge takes: time (JSON.parse, checks, mergeCounts, the
 * metrics and 1,000-resample intervals; medians of BENCH_RUNS), its peak heap and peak resident
 * memory, each merge in a fresh process, beside one instance analysing the whole dataset
 * (BENCH_ONE=0 leaves it out). BENCH_KEEP=1 keeps the work folder (printed) with the partial
 * counts in its output/. Not a timed test.
 *
 *   BENCH_ROWS=10000000 BENCH_FILES=1000 BENCH_ONE=0 npm run bench:merge
 *
 * `node bench/merge.bench.ts --merge <output folder>` is the merge of one run (the child process).
 */
import { execFile } from "node:child_process";
import { once } from "node:events";
import {
  cpSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  type WriteStream,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { analyze } from "../engine/analyze.ts";
import { readHostFiles } from "../engine/merge/merge-output-folder.ts";
import { mergePartials, TABLES_LOOK_AHEAD } from "../engine/merge/merge-partials.ts";
import { runProcessingOnHost } from "../engine/processing/run-processing-job.ts";
import { generateBenchData } from "./generate-bench-data.ts";
import { median } from "./median.ts";

/** What one merge took, measured in its own process. */
interface MergeRun {
  readonly seconds: number;
  /** The largest heap seen (sampled every 2 ms and at each tables object read), less the heap before. */
  readonly heapMB: number;
  /** The process's peak resident memory, less its resident memory before the merge. */
  readonly rssMB: number;
}

const MB = 2 ** 20;

if (process.argv[2] === "--merge") {
  console.log(JSON.stringify(await mergeOnce(process.argv[3] as string)));
} else {
  await bench();
}

async function mergeOnce(output: string): Promise<MergeRun> {
  const baseRss = process.memoryUsage().rss;
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sample, 2);
  const started = performance.now();
  const partials = await readHostFiles(output);
  await mergePartials(partials, async (object) => {
    sample();
    return JSON.parse(readFileSync(join(output, object), "utf8")) as unknown;
  });
  const seconds = (performance.now() - started) / 1000;
  sample();
  clearInterval(sampler);
  return {
    seconds,
    heapMB: (peakHeap - baseHeap) / MB,
    rssMB: (process.resourceUsage().maxRSS * 1024 - baseRss) / MB,
  };
}

async function bench(): Promise<void> {
  const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const FILES = Number(process.env.BENCH_FILES ?? 40);
  const HOSTS = Number(process.env.BENCH_HOSTS ?? 4);
  const RUNS = Number(process.env.BENCH_RUNS ?? 5);
  const ONE = process.env.BENCH_ONE !== "0";
  const KEEP = process.env.BENCH_KEEP === "1";
  const config = JSON.parse(readFileSync(join(import.meta.dirname, "bench-config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const work = mkdtempSync(join(tmpdir(), "bench-merge-"));
  try {
    const source = join(work, "all.csv");
    await generateBenchData(ROWS, source);
    const hostNames = Array.from({ length: HOSTS }, (_, h) => `algo-${h + 1}`);
    const trees = hostNames.map((name) => {
      const tree = join(work, name, "processing");
      mkdirSync(join(tree, "input/config"), { recursive: true });
      mkdirSync(join(tree, "input/data"), { recursive: true });
      writeFileSync(join(tree, "input/config/analysis_config.json"), JSON.stringify(config));
      const resourceConfig = join(work, name, "resourceconfig.json");
      writeFileSync(resourceConfig, JSON.stringify({ current_host: name, hosts: hostNames }));
      return { name, tree, resourceConfig };
    });
    await splitIntoParts(source, ROWS, FILES, (f) =>
      join(
        (trees[f % HOSTS] as (typeof trees)[0]).tree,
        "input/data",
        `part-${String(f).padStart(5, "0")}.csv`,
      ),
    );
    const bytes = statSync(source).size;

    const hostSeconds: number[] = [];
    for (const host of trees) {
      const started = performance.now();
      await runProcessingOnHost({
        processingDir: host.tree,
        resourceConfigPath: host.resourceConfig,
        log: () => {},
        threads: 1,
        environment: {},
      });
      hostSeconds.push((performance.now() - started) / 1000);
    }
    // SageMaker uploads every host's output folder to the job's one output prefix.
    const output = join(work, "output");
    for (const host of trees) cpSync(join(host.tree, "output"), output, { recursive: true });
    const hostFiles = hostNames.map((name) => statSync(join(output, "partial", `${name}.json`)).size);
    const tables = hostNames.flatMap((name) => {
      const folder = join(output, "partial", name);
      return existsSync(folder) ? readdirSync(folder).map((file) => statSync(join(folder, file)).size) : [];
    });

    const runs: MergeRun[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [import.meta.filename, "--merge", output],
        {
          maxBuffer: 1 << 20,
        },
      );
      runs.push(JSON.parse(stdout) as MergeRun);
    }

    const oneSeconds: number[] = [];
    for (let run = 0; ONE && run < Math.min(RUNS, 3); run++) {
      const started = performance.now();
      await analyze({ datasetPath: source, config, outDir: join(work, "one"), threads: { threads: 1 } });
      oneSeconds.push((performance.now() - started) / 1000);
    }

    const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e5 ? 3 : 1)} MB`;
    const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    console.log(`${ROWS} rows (${mb(bytes)} of CSV) in ${FILES} files on ${HOSTS} hosts, 1 thread each`);
    console.log(`per host: count ${hostSeconds.map((s) => `${s.toFixed(2)} s`).join(", ")}`);
    console.log(`host files: ${hostFiles.map(mb).join(", ")}`);
    console.log(
      `tables objects: ${tables.length}, total ${mb(sum(tables))}, median ${mb(median(tables))}, largest ${mb(Math.max(...tables))}`,
    );
    console.log(
      `merge (read + JSON.parse + checks + fold, ${TABLES_LOOK_AHEAD} objects ahead, + metrics + intervals), each in a fresh process: median ${median(runs.map((r) => r.seconds)).toFixed(3)} s of ${RUNS}, peak heap growth ${median(runs.map((r) => r.heapMB)).toFixed(0)} MB, peak resident growth ${median(runs.map((r) => r.rssMB)).toFixed(0)} MB (medians)`,
    );
    if (ONE) {
      console.log(
        `one instance, whole dataset, 1 thread (analyze with intervals): median ${median(oneSeconds).toFixed(2)} s`,
      );
    }
  } finally {
    if (KEEP) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** Cuts the CSV at `source` into `files` part files of consecutive rows, each with the header row. */
async function splitIntoParts(
  source: string,
  rows: number,
  files: number,
  pathOf: (file: number) => string,
): Promise<void> {
  const size = Math.ceil(rows / files);
  const lines = createInterface({ input: createReadStream(source), crlfDelay: Number.POSITIVE_INFINITY });
  let header: string | undefined;
  let out: WriteStream | undefined;
  let file = -1;
  let row = 0;
  for await (const line of lines) {
    if (header === undefined) {
      header = line;
      continue;
    }
    if (row % size === 0) {
      if (out) {
        out.end();
        await once(out, "finish");
      }
      out = createWriteStream(pathOf(++file));
      out.write(`${header}\n`);
    }
    if (!(out as WriteStream).write(`${line}\n`)) await once(out as WriteStream, "drain");
    row++;
  }
  if (out) {
    out.end();
    await once(out, "finish");
  }
}
