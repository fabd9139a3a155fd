/**
 * Renders analysis.json as one self-contained report.html.
 * Placeholder signature; the implementation lands with the report work.
 */
import type { Gates } from "../../lambdas/shared/contracts.ts";

export interface ReportOptions {
  /** Shown in the page title and heading. */
  readonly title?: string;
  /** Gates to draw next to each metric. */
  readonly gates?: Gates;
}

export function renderReport(_analysis: Record<string, unknown>, _options: ReportOptions = {}): string {
  throw new Error("report rendering is not implemented yet");
}
