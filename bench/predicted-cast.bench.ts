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
import { benchCountPasses } from "./count-passes.ts";

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

await benchCountPasses(
  config,
  { name: "predictions the cast keeps", file: keptFile },
  { name: "predictions it changes", file: changedFile },
  ROWS,
  RUNS,
);
