import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AnalysisConfig } from "../config/analysis-config.ts";
import { MODEL_PREDICTIONS_NEED_CSV } from "../config/parse-analysis-config.ts";
import { ModelError, UnsupportedAnalysisError } from "../errors.ts";
import { ProgressPhase, type ProgressSettings } from "../progress/progress-reporter.ts";
import { readFeatureTable } from "./feature-table.ts";
import { isModelSource, type ModelSource, openModel, tellingScored } from "./model/open-model.ts";
import type { ScoringModel } from "./model/scoring-model.ts";

/** The column the model's scores are written under. */
export const MODEL_PREDICTION_COLUMN = "model_prediction";
/** Clarify's default for reading a probability as a predicted label. */
const DEFAULT_PROBABILITY_THRESHOLD = 0.5;
const ROWS_PER_CALL = 65_536;
/** The progress phase of scoring every row for its predicted label. */
export const PREDICTING_LABELS = "predicting labels";

/**
 * Post-training bias without a predicted-label column, as Clarify does with a predictor: the
 * model scores every row, and a score above `probability_threshold` (default 0.5) is a
 * positive prediction. The scores are written as a predicted-label dataset aligned row for row
 * with the dataset (a row whose features are missing gets NaN, so it is left out),
 * and the config is pointed at it.
 */
export async function predictWithModel(
  config: AnalysisConfig,
  datasetPath: string,
  modelOrSource: ScoringModel | ModelSource,
  directory: string,
  progress?: ProgressSettings,
): Promise<{ config: AnalysisConfig; predictedLabelDatasetPath: string }> {
  if (config.datasetType !== "text/csv") {
    throw new UnsupportedAnalysisError(MODEL_PREDICTIONS_NEED_CSV);
  }
  const table = readFeatureTable(config, datasetPath);
  // Progress: the rows the model has answered, per request to an endpoint, per call in-process.
  // The phase starts once the model is open, so that a model that does not open leaves no timer.
  let scoredRows = 0;
  let phase: ProgressPhase | undefined;
  const scored = (rows: number) => {
    scoredRows += rows;
    phase?.tick();
  };
  const model = isModelSource(modelOrSource)
    ? await openModel(modelOrSource, {
        codec: table,
        ...(config.predictor && { predictor: config.predictor }),
        ...(progress && { scored }),
      })
    : progress
      ? tellingScored(modelOrSource, scored)
      : modelOrSource;
  phase =
    progress &&
    ProgressPhase.started(progress, {
      name: PREDICTING_LABELS,
      unit: { kind: "items", noun: "rows", verb: "scored" },
      total: table.rows,
      measure: () => ({ done: scoredRows }),
    });
  const scores = new Float64Array(table.rows);
  try {
    const F = table.featureCount;
    for (let start = 0; start < table.rows; start += ROWS_PER_CALL) {
      const count = Math.min(ROWS_PER_CALL, table.rows - start);
      const answer = await model.predict(table.values.subarray(start * F, (start + count) * F), count);
      if (answer.outputs !== 1) {
        throw new ModelError(
          `methods.post_training_bias: ${model.description} answers ${answer.outputs} scores per row; set predictor.probability to the one that is the positive class's`,
        );
      }
      scores.set(answer.values, start);
    }
  } finally {
    phase?.end();
    if (isModelSource(modelOrSource)) await model.close();
  }
  const lines = [MODEL_PREDICTION_COLUMN];
  let kept = 0;
  let dropped = 0;
  const total = table.rows + table.rowsDropped;
  for (let r = 0; r < total; r++) {
    if (table.droppedRows[dropped] === r) {
      dropped++;
      lines.push("NaN");
    } else {
      lines.push(String(scores[kept++]));
    }
  }
  const path = join(directory, "model-predictions.csv");
  await writeFile(path, `${lines.join("\n")}\n`);
  return {
    config: {
      ...config,
      predictedLabel: MODEL_PREDICTION_COLUMN,
      predictedLabelDatasetUri: path,
      predictedLabelHeaders: [MODEL_PREDICTION_COLUMN],
      probabilityThreshold: config.probabilityThreshold ?? DEFAULT_PROBABILITY_THRESHOLD,
    },
    predictedLabelDatasetPath: path,
  };
}
