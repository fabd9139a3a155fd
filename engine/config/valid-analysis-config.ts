/**
 * The analysis config as the engine's commands take it: parsed, and refused whole when it has
 * problems, each named on a line of its own.
 */
import { EngineInputError } from "../errors.ts";
import type { AnalysisConfig } from "./analysis-config.ts";
import { parseAnalysisConfig } from "./parse-analysis-config.ts";

/** The parsed config (undefined when it names too little to run, as parseAnalysisConfig says). */
export function validAnalysisConfig(raw: Record<string, unknown>): AnalysisConfig | undefined {
  const { config, problems } = parseAnalysisConfig(raw);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.path}: ${p.message}`);
    throw new EngineInputError(`the analysis config is not valid:\n  ${lines.join("\n  ")}`);
  }
  return config;
}
