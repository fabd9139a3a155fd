/** How the report writes numbers: metric values to 4 significant digits, counts with separators. */

/** A metric value for reading: at most 4 significant digits, signs kept, `∞` for infinities. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  return String(Number(value.toPrecision(4))).replace("-", "−");
}

/**
 * A row count: `48,842`. Written by hand for safe integers, as `toLocaleString("en-US")` writes
 * them: its first call loads the locale data, some 15 ms of an analysis of a million rows.
 */
export function formatCount(rows: number): string {
  if (!Number.isSafeInteger(rows) || Object.is(rows, -0)) return rows.toLocaleString("en-US");
  const digits = String(Math.abs(rows));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return rows < 0 ? `-${grouped}` : grouped;
}

/** `part / whole` as a percentage with one decimal, or `—` when the whole is 0. */
export function formatShare(part: number, whole: number): string {
  if (whole === 0) return "—";
  return `${((part / whole) * 100).toFixed(1)}%`;
}

/** `[−0.2, 0.2]`, `≥ 0.8`, `≤ 0.1`, `any value`: an interval with open ends where infinite. */
export function describeInterval(low: number, high: number): string {
  if (Number.isFinite(low) && Number.isFinite(high)) return `[${formatValue(low)}, ${formatValue(high)}]`;
  if (Number.isFinite(low)) return `≥ ${formatValue(low)}`;
  if (Number.isFinite(high)) return `≤ ${formatValue(high)}`;
  return "any value";
}

/**
 * `sex = Female`, or `age in (40, 75]` for a facet Clarify read with a threshold: analysis.json
 * then writes the interval of the facet group as its value.
 */
export function describeGroup(facet: string, valueOrThreshold: string): string {
  return /^\(.*\]$/.test(valueOrThreshold)
    ? `${facet} in ${valueOrThreshold}`
    : `${facet} = ${valueOrThreshold}`;
}
