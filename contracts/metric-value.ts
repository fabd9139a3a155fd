/**
 * Reads a metric value from analysis.json. Clarify (Python) writes non-finite values as
 * the strings "Infinity", "-Infinity" and "NaN" (e.g. DI when the advantaged group has no
 * positive predictions), and null when a metric could not be computed.
 */
const NON_FINITE: Readonly<Record<string, number>> = {
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
};

/** The value as a number (possibly non-finite), null when absent, undefined when not a metric value. */
export function parseMetricValue(raw: unknown): number | null | undefined {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === "number") return raw;
  if (typeof raw === "string" && raw in NON_FINITE) return NON_FINITE[raw];
  return undefined;
}
