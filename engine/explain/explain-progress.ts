/**
 * The explanations' progress, with the same reporter as the count pass
 * (progress/progress-reporter.ts): rows explained of the total as each block's result reaches this
 * thread (in block order, from this thread or a worker's message), and the model evaluations so
 * far, which every thread adds to its own shared counter as its model answers each request (an
 * endpoint's block of up to 2^18 evaluations is many requests, minutes against a slow one). While
 * this thread waits for blocks, the phase's timer reports.
 */
import { ProgressPhase, type ProgressSettings, wholeAmount } from "../progress/progress-reporter.ts";
import type { Executor } from "./explain-executor.ts";
import type { ExplainJob } from "./explain-job.ts";
import { shapBlockStarts } from "./kernel-shap/kernel-shap.ts";
import { pdpBlocks } from "./pdp/partial-dependence.ts";

export const EXPLAINING_ROWS = "explaining rows";
export const PARTIAL_DEPENDENCE = "partial dependence";

/**
 * The executor, its runs reporting progress over `rows` rows, with the model evaluations of the
 * whole run so far (`evaluations`: summed from every thread's counter, explain-executor.ts).
 */
export function withExplainProgress(
  executor: Executor,
  settings: ProgressSettings,
  rows: number,
  evaluations: () => number,
): Executor {
  return {
    threads: executor.threads,
    run: async (job, count, take) => {
      const blockRows = rowsOfBlocks(job, rows);
      let done = 0;
      const phase = ProgressPhase.started(settings, {
        name: job.kind === "shap" ? EXPLAINING_ROWS : PARTIAL_DEPENDENCE,
        unit:
          job.kind === "shap"
            ? { kind: "items", noun: "rows", verb: "explained" }
            : { kind: "items", noun: "rows", verb: "scored" },
        total: blockRows.reduce((sum, n) => sum + n, 0),
        measure: () => ({ done, note: `${wholeAmount(evaluations())} model evaluations` }),
      });
      try {
        await executor.run(job, count, (block, result) => {
          take(block, result);
          done += blockRows[block] ?? 0;
          phase.tick();
        });
      } finally {
        phase.end();
      }
    },
  };
}

/** Each block's rows: SHAP's rows; PDP's rows of one curve (a curve scores every row). */
function rowsOfBlocks(job: ExplainJob, rows: number): number[] {
  if (job.kind === "shap") {
    const starts = shapBlockStarts(rows, job.settings);
    return starts.slice(1).map((end, b) => end - (starts[b] as number));
  }
  return pdpBlocks(rows, job.settings).map(({ curve, first }) =>
    Math.min(job.settings.curves[curve]?.rowsPerBlock ?? 0, rows - first),
  );
}
