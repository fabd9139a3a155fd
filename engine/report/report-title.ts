/** The report title an analysis config asks for: Clarify's `methods.report.title`. */
export function reportTitle(config: unknown): string | undefined {
  const methods = field(config, "methods");
  const title = field(field(methods, "report"), "title");
  return typeof title === "string" && title.trim() !== "" ? title : undefined;
}

function field(raw: unknown, key: string): unknown {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) && Object.hasOwn(raw, key)
    ? (raw as Record<string, unknown>)[key]
    : undefined;
}
