/**
 * Generates examples/credit/model.onnx: a logistic regression of credit_risk on the 12 feature
 * columns of credit.csv (every column but the label and the predicted label, in file order),
 * fitted by full-batch gradient descent on standardised features, the standardisation then
 * folded into the weights so the model takes the raw columns. Deterministic: no random start,
 * a fixed number of steps, so re-running rewrites the same bytes.
 *
 *   node examples/credit/generate-model.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { logisticRegression } from "../models/onnx-writer.ts";

const here = import.meta.dirname;
const LABEL = "credit_risk";
const LEFT_OUT = new Set([LABEL, "predicted_credit_risk"]);
const STEPS = 2000;
const LEARNING_RATE = 0.5;

const [headerLine = "", ...lines] = readFileSync(join(here, "credit.csv"), "utf8").trim().split("\n");
const header = headerLine.split(",");
const featureColumns = header.map((_, i) => i).filter((i) => !LEFT_OUT.has(header[i] as string));
const labelColumn = header.indexOf(LABEL);
const rows = lines.map((line) => line.split(",").map(Number));
const F = featureColumns.length;
const N = rows.length;

const mean = featureColumns.map((c) => rows.reduce((sum, row) => sum + (row[c] as number), 0) / N);
const scale = featureColumns.map((c, f) => {
  const variance = rows.reduce((sum, row) => sum + ((row[c] as number) - (mean[f] as number)) ** 2, 0) / N;
  return Math.sqrt(variance) || 1;
});
const x = rows.map((row) =>
  featureColumns.map((c, f) => ((row[c] as number) - (mean[f] as number)) / (scale[f] as number)),
);
const y = rows.map((row) => row[labelColumn] as number);

const w = new Array<number>(F).fill(0);
let b = 0;
for (let step = 0; step < STEPS; step++) {
  const gradient = new Array<number>(F).fill(0);
  let gradientB = 0;
  x.forEach((features, r) => {
    const z = features.reduce((sum, v, f) => sum + v * (w[f] as number), b);
    const error = 1 / (1 + Math.exp(-z)) - (y[r] as number);
    features.forEach((v, f) => {
      gradient[f] = (gradient[f] as number) + (error * v) / N;
    });
    gradientB += error / N;
  });
  for (let f = 0; f < F; f++) w[f] = (w[f] as number) - LEARNING_RATE * (gradient[f] as number);
  b -= LEARNING_RATE * gradientB;
}

// z = Σ w_f (v_f − μ_f)/σ_f + b = Σ (w_f/σ_f) v_f + (b − Σ w_f μ_f/σ_f)
const rawWeights = w.map((wf, f) => wf / (scale[f] as number));
const rawBias = b - w.reduce((sum, wf, f) => sum + (wf * (mean[f] as number)) / (scale[f] as number), 0);
writeFileSync(join(here, "model.onnx"), logisticRegression(rawWeights, rawBias));
process.stdout.write(
  `model.onnx: logistic regression on ${featureColumns.map((c) => header[c]).join(", ")}\n`,
);
