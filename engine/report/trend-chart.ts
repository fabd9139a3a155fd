/**
 * A small trend chart of one gated metric value over the recent runs of the same name: an
 * inline SVG (nothing fetched) drawn on the server, with the current run marked and the
 * metric's ideal as a dashed line. Its text alternative lists the values.
 */
import { formatValue } from "./format.ts";
import { escapeHtml } from "./html-escape.ts";

export interface TrendPoint {
  /** When the run started (ISO 8601), shown in the text alternative. */
  readonly when: string;
  readonly value: number;
  /** Whether the run's gates passed. */
  readonly passed: boolean;
}

const WIDTH = 140;
const HEIGHT = 32;
const PAD = 4;

/**
 * @param earlier the earlier runs' values, oldest first
 * @param current this run's value
 */
export function renderTrendChart(
  code: string,
  earlier: readonly TrendPoint[],
  current: number,
  ideal: number,
): string {
  const values = [...earlier.map((p) => p.value), current].filter(Number.isFinite);
  if (values.length === 0) return "";
  const low = Math.min(ideal, ...values);
  const high = Math.max(ideal, ...values);
  const span = high - low || 1;
  const count = earlier.length + 1;
  const x = (i: number) => round(count === 1 ? WIDTH / 2 : PAD + (i * (WIDTH - 2 * PAD)) / (count - 1));
  const y = (v: number) =>
    round(HEIGHT - PAD - ((Math.min(high, Math.max(low, v)) - low) / span) * (HEIGHT - 2 * PAD));
  const points = [...earlier.map((p) => p.value), current].map((v, i) => ({
    x: x(i),
    y: y(v),
    finite: Number.isFinite(v),
  }));
  const line = points
    .filter((p) => p.finite)
    .map((p) => `${p.x},${p.y}`)
    .join(" ");
  const dots = earlier
    .map(
      (p, i) => `<circle cx="${x(i)}" cy="${y(p.value)}" r="2" class="${p.passed ? "t-pass" : "t-fail"}"/>`,
    )
    .join("");
  const label =
    `${code} over the last ${count} runs, oldest first: ` +
    [
      ...earlier.map((p) => `${formatValue(p.value)} (${p.when.slice(0, 10)})`),
      `${formatValue(current)} (this run)`,
    ].join(", ") +
    `; ideal ${formatValue(ideal)}`;
  return (
    `<svg class="trend" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">` +
    `<line class="t-ideal" x1="0" x2="${WIDTH}" y1="${y(ideal)}" y2="${y(ideal)}"/>` +
    (points.length > 1 ? `<polyline class="t-line" points="${line}"/>` : "") +
    dots +
    `<circle class="t-now" cx="${x(count - 1)}" cy="${y(current)}" r="3.5"/>` +
    "</svg>"
  );
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
