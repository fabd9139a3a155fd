/**
 * A dataset analysed by the engine on one thread, and its analysis.json read back: what the
 * engine tests that compare analysis.json with smclarify's figures share.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../../engine/analyze.ts";

/** One analysed value or threshold of a facet, with its metrics. */
export interface AnalysisEntry {
  readonly value_or_threshold: string;
  readonly metrics: readonly {
    readonly name: string;
    readonly value?: number | null;
    readonly error?: string;
  }[];
}

/** analysis.json's pre- or post-training section. */
export interface AnalysisSection {
  readonly label_value_or_threshold: string;
  readonly facets: Readonly<Record<string, readonly AnalysisEntry[]>>;
}

export interface BiasAnalysisJson {
  readonly pre_training_bias_metrics: AnalysisSection;
  readonly post_training_bias_metrics: AnalysisSection;
}

export interface AnalysedDataset {
  readonly analysis: BiasAnalysisJson;
  /** Where analysis.json and analysis_context.json were written. */
  readonly outDir: string;
  /** Rows left out for a missing analysed value. */
  readonly rowsDropped: number;
  /** Threads that counted the rows. */
  readonly threads: number;
}

/**
 * Writes `data` as `fileName` (its extension tells nothing: the config's dataset_type does) in a
 * new folder, analyses it on one thread (or `threads`, however small the file) without confidence
 * intervals, and reads analysis.json.
 */
export async function analyzeText(
  data: string,
  config: Record<string, unknown>,
  fileName = "data.csv",
  threads = 1,
): Promise<AnalysedDataset> {
  const dir = mkdtempSync(join(tmpdir(), "analysis-json-"));
  const datasetPath = join(dir, fileName);
  writeFileSync(datasetPath, data);
  const outDir = join(dir, "out");
  const result = await analyze({
    datasetPath,
    config,
    outDir,
    threads: { threads, minBytesPerThread: 0 },
    intervals: false,
  });
  const analysis = JSON.parse(readFileSync(result.analysisPath, "utf8")) as BiasAnalysisJson;
  return { analysis, outDir, rowsDropped: result.rowsDropped, threads: result.threads };
}

/** A metric's value, or its error's text when it has none (e.g. "Facet set is empty."). */
export function metricOf(entry: AnalysisEntry | undefined, name: string): unknown {
  const metric = entry?.metrics.find((m) => m.name === name);
  return metric?.value ?? metric?.error;
}

/** Each analysed value of a facet as `group`, beside its metrics by name (a value, else an error). */
export function groups(section: AnalysisSection, facet: string): Record<string, unknown>[] {
  return (section.facets[facet] ?? []).map((entry) => ({
    group: entry.value_or_threshold,
    ...Object.fromEntries(entry.metrics.map((metric) => [metric.name, metric.value ?? metric.error])),
  }));
}

/** Each analysed value of a facet beside its metrics' values in order (a value, else an error). */
export function valuesAndMetrics(section: AnalysisSection, facet: string): [string, unknown[]][] {
  return (section.facets[facet] ?? []).map((entry) => [
    entry.value_or_threshold,
    entry.metrics.map((metric) => metric.value ?? metric.error),
  ]);
}
