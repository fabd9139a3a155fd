/**
 * What counting a dataset a second time costs (bench:mixed, bench:cast): the same analysis on a
 * file counted once and on one counted twice, on one thread, RUNS times alternating; prints the
 * medians and their ratio. Not a timed test.
 */
import type { AnalysisConfig } from "../engine/config/analysis-config.ts";
import { runBiasAnalysisOnThreads } from "../engine/run-bias-analysis.ts";
import { median } from "./median.ts";

export interface PassesCase {
  /** What the file holds, for the figures' line ("numeric label", ...). */
  readonly name: string;
  readonly file: string;
}

export async function benchCountPasses(
  config: AnalysisConfig,
  once: PassesCase,
  twice: PassesCase,
  rows: number,
  runs: number,
): Promise<void> {
  const time = async (file: string): Promise<{ seconds: number; passes: number }> => {
    const started = performance.now();
    const result = await runBiasAnalysisOnThreads(config, file, undefined, { threads: 1 });
    return { seconds: (performance.now() - started) / 1000, passes: result.countPasses ?? 0 };
  };
  const onceSeconds: number[] = [];
  const twiceSeconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const a = await time(once.file);
    const b = await time(twice.file);
    if (a.passes !== 1 || b.passes !== 2) throw new Error(`passes ${a.passes} / ${b.passes}, expected 1 / 2`);
    onceSeconds.push(a.seconds);
    twiceSeconds.push(b.seconds);
    process.stderr.write(
      `run ${run + 1}: ${a.seconds.toFixed(3)} s ${once.name}, ${b.seconds.toFixed(3)} s ${twice.name}\n`,
    );
  }
  const base = median(onceSeconds);
  const again = median(twiceSeconds);
  console.log(
    `${rows} rows, one thread: ${once.name} (1 pass) ${base.toFixed(3)} s, ${twice.name} (2 passes) ${again.toFixed(3)} s, ${(again / base).toFixed(2)}x`,
  );
}
