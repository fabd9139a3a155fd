/**
 * The gate results a report shows, made the way production makes them: collect-results'
 * evaluator over the analysis (and the analysis context's warnings, when given).
 */

import type { Gates } from "../../contracts/pipeline-state.ts";
import type { GateResult } from "../../engine/report/gate-check.ts";
import { contextWarnings } from "../../lambdas/collect-results/analysis-context.ts";
import { biasAnalysisOf } from "../../lambdas/collect-results/analysis-result.ts";
import { evaluateGates } from "../../lambdas/collect-results/gates.ts";

export function gateResultsFor(analysis: unknown, gates: Gates, context?: unknown): readonly GateResult[] {
  const warnings = context === undefined ? [] : contextWarnings(context, "analysis_context.json");
  return evaluateGates(biasAnalysisOf(analysis, "analysis.json"), gates, warnings).evaluations;
}
