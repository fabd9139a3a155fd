/**
 * `npm run bench:shap-merge`: what CollectResults' merge of a multi-instance job's local SHAP
 * values takes. BENCH_ROWS rows (default 1,000,000) × BENCH_FEATURES explained features (12) ×
 * one label of local values, as the hosts write them (out.csv's lines, full-precision doubles),
 * in BENCH_FILES part files (100) dealt round-robin to BENCH_HOSTS hosts (4). For each
 * agg_method, the merge (reading every object, parsing every value, the global values, and
 * out.csv written to disk) runs BENCH_RUNS times (3), each in a fresh process; prints the
 * median time, the rate, and the peak heap and resident memory it added. Not a timed test.
 *
 * `node bench/shap-merge.bench.ts --merge <output folder>` is one merge (the child process).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { partialJson, shapObjectOf } from "../contracts/partial-counts.ts";
import { mergeOutputFolder } from "../engine/merge/merge-output-folder.ts";
import { seededRandom } from "../engine/seeded-random.ts";
import { median } from "./median.ts";

const MB = 2 ** 20;
const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

if (process.argv[2] === "--merge") {
  console.log(JSON.stringify(await mergeOnce(process.argv[3] as string)));
} else {
  await bench();
}

async function mergeOnce(output: string) {
  const before = process.memoryUsage();
  let heap = before.heapUsed;
  const sample = setInterval(() => {
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  }, 2);
  const started = performance.now();
  const merged = await mergeOutputFolder(output, { localValuesPath: join(output, "out.csv") });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  heap = Math.max(heap, process.memoryUsage().heapUsed);
  return {
    seconds,
    heapMB: (heap - before.heapUsed) / MB,
    rssMB: (process.resourceUsage().maxRSS * 1024 - before.rss) / MB,
    rows: merged.explained?.rowsExplained,
  };
}

async function bench(): Promise<void> {
  const rows = number("BENCH_ROWS", 1_000_000);
  const features = number("BENCH_FEATURES", 12);
  const files = number("BENCH_FILES", 100);
  const hosts = number("BENCH_HOSTS", 4);
  const runs = number("BENCH_RUNS", 3);
  const dir = mkdtempSync(join(tmpdir(), "bench-shap-merge-"));
  const output = join(dir, "output");
  const names = Array.from({ length: features }, (_, f) => `f${f}`);
  const hostNames = Array.from({ length: hosts }, (_, h) => `algo-${h + 1}`);
  const random = seededRandom(1);
  // Each host's files and their rows, the objects written as the hosts write them.
  const perFile = Math.ceil(rows / files);
  const held: { path: string; rows: number }[][] = hostNames.map(() => []);
  let bytes = 0;
  for (let file = 0; file < files; file++) {
    const h = file % hosts;
    const host = hostNames[h] as string;
    const count = Math.max(0, Math.min(perFile, rows - file * perFile));
    const index = (held[h] as unknown[]).length;
    mkdirSync(join(output, "partial", host), { recursive: true });
    const lines: string[] = [];
    for (let r = 0; r < count; r++) {
      lines.push(Array.from({ length: features }, () => String((random() - 0.5) * random() * 0.3)).join(","));
    }
    const text = lines.length > 0 ? `${lines.join("\n")}\n` : "";
    writeFileSync(join(output, shapObjectOf(host, index)), text);
    bytes += Buffer.byteLength(text);
    (held[h] as { path: string; rows: number }[]).push({
      path: `part-${String(file).padStart(5, "0")}.csv`,
      rows: count,
    });
  }
  console.log(
    `${rows.toLocaleString("en")} rows × ${features} features × 1 label of local values in ${files} files on ${hosts} hosts: ${(bytes / MB).toFixed(0)} MB of text (load average ${loadavg()[0]?.toFixed(1)})`,
  );
  for (const method of ["mean_abs", "mean_sq", "median"]) {
    const config = {
      dataset_type: "text/csv",
      headers: names,
      methods: {
        shap: { baseline: [names.map(() => 0)], agg_method: method, save_local_shap_values: true },
      },
    };
    hostNames.forEach((host, h) => {
      const mine = held[h] as { path: string; rows: number }[];
      const document = {
        version: "3",
        host,
        hosts: hostNames,
        config,
        intervals: false,
        files: mine.map((file, index) => ({
          path: file.path,
          bytes: 1,
          shap: shapObjectOf(host, index),
          shapRows: file.rows,
        })),
        explanations: {
          labels: ["label0"],
          features: names,
          expectedValues: [0.3],
          rowsExplained: mine.reduce((sum, file) => sum + file.rows, 0),
          rowsDropped: 0,
          modelEvaluations: 0,
          textFeatures: [],
          unseenBaseline: [],
        },
      };
      writeFileSync(join(output, "partial", `${host}.json`), partialJson(document as never));
    });
    const measured = [];
    for (let run = 0; run < runs; run++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [import.meta.filename, "--merge", output],
        {
          maxBuffer: 1 << 20,
        },
      );
      measured.push(JSON.parse(stdout) as { seconds: number; heapMB: number; rssMB: number });
    }
    const seconds = median(measured.map((m) => m.seconds));
    const outBytes = statSync(join(output, "out.csv")).size;
    console.log(
      `${method.padEnd(8)} ${seconds.toFixed(2)} s (median of ${runs}): ${((rows * features) / seconds / 1e6).toFixed(1)} M values/s, ${(bytes / MB / seconds).toFixed(0)} MB/s of text; heap +${median(measured.map((m) => m.heapMB)).toFixed(0)} MB, resident +${median(measured.map((m) => m.rssMB)).toFixed(0)} MB (median); out.csv ${(outBytes / MB).toFixed(0)} MB`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
