/**
 * `npm run bench:mixed`: what counting a label column of text and numbers again with text
 * matching (engine/aggregate/mixed-columns.ts) costs, on 1,000,000 rows on one thread: the
 * same rows with the label written as integers (counted once) and with a text cell first and
 * `1.0` cells (counted twice). Runs alternate; medians of 5. Not a timed test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAnalysisConfig } from "../engine/config/parse-analysis-config.ts";
import { benchCountPasses } from "./count-passes.ts";

const ROWS = 1_000_000;
const RUNS = 5;
const dataDir = join(import.meta.dirname, "data");
mkdirSync(dataDir, { recursive: true });

/** sex, age, income, label; `mixed` writes a text label first and positives as `1.0`. */
function write(path: string, mixed: boolean): void {
  const lines = ["sex,age,income,label"];
  for (let i = 0; i < ROWS; i++) {
    const positive = (i * 7919) % 10 < 4;
    const label = mixed && i === 0 ? "unknown" : positive ? (mixed && i % 2 === 0 ? "1.0" : "1") : "0";
    lines.push(`${i % 3 === 0 ? "F" : "M"},${20 + ((i * 31) % 50)},${1000 + ((i * 13) % 5000)},${label}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

const numericFile = join(dataDir, `labels-numeric-${ROWS}.csv`);
const mixedFile = join(dataDir, `labels-mixed-${ROWS}.csv`);
write(numericFile, false);
write(mixedFile, true);

const { config } = parseAnalysisConfig({
  dataset_type: "text/csv",
  label: "label",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "sex", value_or_threshold: ["F"] }],
  methods: { pre_training_bias: { methods: "all" } },
});
if (!config) throw new Error("the bench config does not parse");

await benchCountPasses(
  config,
  { name: "numeric label", file: numericFile },
  { name: "mixed label", file: mixedFile },
  ROWS,
  RUNS,
);
