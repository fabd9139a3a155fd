/**
 * `npm run bench:cast`: what counting float predictions of an integer label again with the
 * cast to the label's dtype (engine/aggregate/predicted-cast.ts) costs, on 1,000,000 rows on one
 * thread: the same labels with float predictions the cast reads as written (`7.0`: counted
 * once, after the check of the predictions' distinct values) and with predictions it reads
 * otherwise (`30000.5` is not above the threshold 30000 once cast: counted twice). Runs alternate;
 * medians of 5. Not a timed test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAnalysisConfig } from "../engine/config/parse-analysis-config.ts";
import { runBiasAnalysisOnThreads } from "../engine/run-bias-analysis.ts";
import { median } from "./median.ts";

const ROWS = 1_000_000;
const RUNS = 5;
const dataDir = join(import.meta.dirname, "data");
mkdirSync(dataDir, { recursive: true });

/**
 * sex, age, label 0..59999 (6% distinct: continuous), prediction: `fractional` writes tenths
 * (more distinct values than the count pass keeps), else `n.0`.
 */
function write(path: string, fractional: boolean): void {
  const lines = ["sex,age,label,predicted"];
  for (let i = 0; i < ROWS; i++) {
    const label = (i * 7919) % 60_000;
    const tenths = fractional ? Math.floor(i / 7) % 10 : 0;
    lines.push(`${i % 3 === 0 ? "F" : "M"},${20 + ((i * 31) % 50)},${label},${(i * 13) % 60_000}.${tenths}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

const keptFile = join(dataDir, `predictions-cast-kept-${ROWS}.csv`);
const changedFile = join(dataDir, `predictions-cast-changed-${ROWS}.csv`);
write(keptFile, false);
write(changedFile, true);

const { config } = parseAnalysisConfig({
  dataset_type: "text/csv",
  label: "label",
  label_values_or_threshold: [30_000],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  predicted_label: "predicted",
  methods: { post_training_bias: { methods: ["DPPL", "DI", "AD", "RD"] } },
});
if (!config) throw new Error("the bench config does not parse");

const time = async (file: string): Promise<{ seconds: number; passes: number }> => {
  const started = performance.now();
  const result = await runBiasAnalysisOnThreads(config, file, undefined, { threads: 1 });
  return { seconds: (performance.now() - started) / 1000, passes: result.countPasses ?? 0 };
};
const once: number[] = [];
const twice: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const a = await time(keptFile);
  const b = await time(changedFile);
  if (a.passes !== 1 || b.passes !== 2) throw new Error(`passes ${a.passes} / ${b.passes}, expected 1 / 2`);
  once.push(a.seconds);
  twice.push(b.seconds);
  process.stderr.write(`run ${run + 1}: ${a.seconds.toFixed(3)} s kept, ${b.seconds.toFixed(3)} s changed\n`);
}
const base = median(once);
const cast = median(twice);
console.log(
  `${ROWS} rows, one thread: predictions the cast keeps (1 pass) ${base.toFixed(3)} s, predictions it changes (2 passes) ${cast.toFixed(3)} s, ${(cast / base).toFixed(2)}x`,
);
