import {
  type ShapBlock,
  type ShapSettings,
  shapBlockCount,
  shapBlockExplainer,
} from "./kernel-shap/kernel-shap.ts";
import type { ScoringModel } from "./model/scoring-model.ts";
import { type PdpBlock, type PdpSettings, pdpBlockScorer, pdpBlocks } from "./pdp/partial-dependence.ts";

/**
 * A piece of explanation work cut into blocks of rows, one model call each: Kernel SHAP's rows,
 * or the PDP curves' rows at every grid value. Plain data, so that a worker thread gets it as
 * it is; every thread runs a block with the same code and the same model call.
 */
export type ExplainJob =
  | { readonly kind: "shap"; readonly settings: ShapSettings }
  | { readonly kind: "pdp"; readonly settings: PdpSettings };

export type BlockResult = ShapBlock | PdpBlock;

/** Runs a job's blocks with one model over the feature rows (N × F). */
export function blockRunner(
  job: ExplainJob,
  model: ScoringModel,
  rows: Float64Array,
): (block: number) => Promise<BlockResult> {
  return job.kind === "shap"
    ? shapBlockExplainer(model, rows, job.settings)
    : pdpBlockScorer(model, rows, job.settings);
}

export function blockCount(job: ExplainJob, rows: number): number {
  return job.kind === "shap" ? shapBlockCount(rows, job.settings) : pdpBlocks(rows, job.settings).length;
}

/** The buffers of a block's result, handed over to the main thread rather than copied. */
export function transferList(result: BlockResult): ArrayBuffer[] {
  const arrays = "scores" in result ? [result.scores] : [result.values, result.predictions];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

/**
 * Runs blocks 0 … count − 1 of a job and hands each result to `take` in block order; when blocks
 * fail, rejects with the error of the first failing block, as running them in order would.
 */
export type BlockRun = (
  job: ExplainJob,
  count: number,
  take: (block: number, result: BlockResult) => void,
) => Promise<void>;

/** Every block on this thread, in order, with this thread's model. */
export function onThisThread(model: ScoringModel, rows: Float64Array): BlockRun {
  return async (job, count, take) => {
    const run = blockRunner(job, model, rows);
    for (let block = 0; block < count; block++) take(block, await run(block));
  };
}
