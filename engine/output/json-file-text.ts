/** How the engine writes its JSON output files (analysis.json, analysis_context.json, intervals.json): one shared layout, so a merged multi-instance result is byte for byte a one-instance one. */
export function jsonFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
