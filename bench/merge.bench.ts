/**
 * `npm run bench:merge`: a job of several instances, in this process: 1,000,000 generated rows
 * (bench-config.json: 3 facets, one of them continuous with a threshold, a group variable, every
 * metric but FT) as FILES part files dealt round-robin to HOSTS hosts. Prints each host's count
 * time, the partial files' size (it grows with the files and with the distinct values of the
 * analysed columns, not with the rows) and what CollectResults' merge takes (JSON.parse, checks,
 * mergeCounts, the metrics and 1,000-resample intervals; medians of RUNS), beside one instance
 * analysing the whole dataset. Not a timed test.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../engine/analyze.ts";
import { checkPartial, mergePartials } from "../engine/merge/merge-partials.ts";
import { runProcessingOnHost } from "../engine/processing/run-processing-job.ts";
import { generateBenchData } from "./generate-bench-data.ts";
import { median } from "./median.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const FILES = Number(process.env.BENCH_FILES ?? 40);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 4);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const config = JSON.parse(readFileSync(join(import.meta.dirname, "bench-config.json"), "utf8")) as Record<
  string,
  unknown
>;

const work = mkdtempSync(join(tmpdir(), "bench-merge-"));
try {
  const source = join(work, "all.csv");
  await generateBenchData(ROWS, source);
  const [header, ...rows] = readFileSync(source, "utf8").trimEnd().split("\n");
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
  const size = Math.ceil(rows.length / FILES);
  for (let f = 0; f < FILES; f++) {
    const name = `part-${String(f).padStart(5, "0")}.csv`;
    const text = `${header}\n${rows.slice(f * size, (f + 1) * size).join("\n")}\n`;
    writeFileSync(join((trees[f % HOSTS] as (typeof trees)[0]).tree, "input/data", name), text);
  }
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
  const partialPaths = trees.map((host) => join(host.tree, "output/partial", `${host.name}.json`));
  const partialBytes = partialPaths.map((path) => statSync(path).size);

  const mergeSeconds: number[] = [];
  let heapMB = 0;
  for (let run = 0; run < RUNS; run++) {
    const texts = partialPaths.map((path) => readFileSync(path, "utf8"));
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    mergePartials(texts.map((text, h) => checkPartial(JSON.parse(text), `partial/${hostNames[h]}.json`)));
    mergeSeconds.push((performance.now() - started) / 1000);
    heapMB = Math.max(heapMB, (process.memoryUsage().heapUsed - before) / 2 ** 20);
  }

  const oneSeconds: number[] = [];
  for (let run = 0; run < Math.min(RUNS, 3); run++) {
    const started = performance.now();
    await analyze({ datasetPath: source, config, outDir: join(work, "one"), threads: { threads: 1 } });
    oneSeconds.push((performance.now() - started) / 1000);
  }

  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const total = partialBytes.reduce((a, b) => a + b, 0);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(`${ROWS} rows (${mb(bytes)} of CSV) in ${FILES} files on ${HOSTS} hosts, 1 thread each`);
  console.log(`per host: count ${hostSeconds.map((s) => `${s.toFixed(2)} s`).join(", ")}`);
  console.log(
    `partial files: ${partialBytes.map(mb).join(", ")} (total ${mb(total)}, ${mb(total / FILES)} per dataset file)`,
  );
  console.log(
    `merge (JSON.parse + checks + mergeCounts + metrics + intervals): median ${median(mergeSeconds).toFixed(3)} s of ${RUNS}, heap growth up to ${heapMB.toFixed(0)} MB`,
  );
  console.log(
    `one instance, whole dataset, 1 thread (analyze with intervals): median ${median(oneSeconds).toFixed(2)} s`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
