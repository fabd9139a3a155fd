/**
 * Who runs the blocks of the explanation jobs: this thread, or worker threads each opening the
 * model from where it is (parallel-explanations.ts), chosen once from the work planned.
 */
import { availableParallelism } from "node:os";
import type { AnalysisConfig } from "../config/analysis-config.ts";
import type { ProgressSettings } from "../progress/progress-reporter.ts";
import { counterAdder, SharedCounters } from "../progress/shared-counters.ts";
import { type BlockRun, onThisThread } from "./explain-job.ts";
import { withExplainProgress } from "./explain-progress.ts";
import type { FeatureTable } from "./feature-table.ts";
import { isModelSource, type ModelSource, openModel, tellingScored } from "./model/open-model.ts";
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

/**
 * Opens the model (and, when the work is large enough, worker threads) for `use`, and closes them.
 * With `progress`, the executor's runs report the rows explained, and every thread adds the rows
 * its model scores to its own slot of shared counters: the model evaluations so far.
 */
export async function withExecutor<T extends object>(
  config: AnalysisConfig,
  table: FeatureTable,
  modelOrSource: ScoringModel | ModelSource,
  threads: ExplainThreadOptions,
  use: (model: ScoringModel, executorFor: (evaluations: number) => Executor) => Promise<T>,
  progress?: ProgressSettings,
): Promise<T> {
  // Slot 0 is this thread's, slot i + 1 worker i's; there are never more threads than this.
  const scored = progress && new SharedCounters(Math.max(1, threads.threads ?? availableParallelism()));
  const reported = (executor: Executor): Executor =>
    progress && scored ? withExplainProgress(executor, progress, table.rows, () => scored.sum()) : executor;
  if (!isModelSource(modelOrSource)) {
    const model = scored ? tellingScored(modelOrSource, counterAdder(scored.slot(0))) : modelOrSource;
    const here = reported({ threads: 1, run: onThisThread(model, table.values) });
    return use(model, () => here);
  }
  const context = { codec: table, ...(config.predictor && { predictor: config.predictor }) };
  const model = await openModel(
    modelOrSource,
    scored ? { ...context, scored: counterAdder(scored.slot(0)) } : context,
  );
  const forWorkers = workerModelSource(modelOrSource);
  let started: ExplainThreads | undefined;
  const executor = (evaluations: number): Executor => {
    const count = forWorkers
      ? Math.min(explainThreadCount(evaluations, threads), threadLimit(forWorkers))
      : 1;
    if (count <= 1 || !forWorkers) return reported({ threads: 1, run: onThisThread(model, table.values) });
    started = startExplainThreads(count, forWorkers, context, table.values, model, undefined, scored);
    return reported(started);
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
