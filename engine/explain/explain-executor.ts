/**
 * Who runs the blocks of the explanation jobs: this thread, or worker threads each opening the
 * model from where it is (parallel-explanations.ts), chosen once from the work planned.
 */
import type { AnalysisConfig } from "../config/analysis-config.ts";
import { type BlockRun, onThisThread } from "./explain-job.ts";
import type { FeatureTable } from "./feature-table.ts";
import { isModelSource, type ModelSource, openModel } from "./model/open-model.ts";
import type { ScoringModel } from "./model/scoring-model.ts";
import {
  type ExplainThreadOptions,
  type ExplainThreads,
  explainThreadCount,
  startExplainThreads,
  threadLimit,
  workerModelSource,
} from "./parallel-explanations.ts";

/** Who runs the blocks of the explanation jobs, and on how many threads. */
export interface Executor {
  readonly threads: number;
  readonly run: BlockRun;
}

/** Opens the model (and, when the work is large enough, worker threads) for `use`, and closes them. */
export async function withExecutor<T extends object>(
  config: AnalysisConfig,
  table: FeatureTable,
  modelOrSource: ScoringModel | ModelSource,
  threads: ExplainThreadOptions,
  use: (model: ScoringModel, executorFor: (evaluations: number) => Executor) => Promise<T>,
): Promise<T> {
  if (!isModelSource(modelOrSource)) {
    const here = { threads: 1, run: onThisThread(modelOrSource, table.values) };
    return use(modelOrSource, () => here);
  }
  const context = { codec: table, ...(config.predictor && { predictor: config.predictor }) };
  const model = await openModel(modelOrSource, context);
  const forWorkers = workerModelSource(modelOrSource);
  let started: ExplainThreads | undefined;
  const executor = (evaluations: number): Executor => {
    const count = forWorkers
      ? Math.min(explainThreadCount(evaluations, threads), threadLimit(forWorkers))
      : 1;
    if (count <= 1 || !forWorkers) return { threads: 1, run: onThisThread(model, table.values) };
    started = startExplainThreads(count, forWorkers, context, table.values, model);
    return started;
  };
  let result: T;
  let workerCpuSeconds: number[] | undefined;
  try {
    result = await use(model, executor);
  } finally {
    workerCpuSeconds = await started?.close();
    await model.close();
  }
  return workerCpuSeconds ? { ...result, workerCpuSeconds } : result;
}
