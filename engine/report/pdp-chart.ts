import type { PdpChart } from "./explanation-shape.ts";
import { formatShare, formatValue } from "./format.ts";
import { escapeBreakable, escapeHtml } from "./html-escape.ts";

/**
 * One partial dependence chart. A numerical feature gets a line per label over a plot that
 * stretches to the column's width: the SVG holds only shapes (strokes keep their width), and every
 * number is page text around it, so labels stay at reading size on a phone. A categorical feature
 * gets HTML bars, a row per category, like the importance chart.
 */

export const PDP_PALETTE = ["#0a58b5", "#bc4c00", "#116329", "#8250df", "#a40e26", "#57606a"];
/** Plot height in px and in SVG units (only the width stretches); must match `.pdp-area` and `.pdp-y`. */
const HEIGHT = 168;
/** Half a y-label line: the top and bottom labels are centred on the plot's top and bottom values. */
const PAD = 8;
/** SVG units across the plot; the browser stretches them to the column's width. */
const WIDTH = 1000;

export function pdpChart(chart: PdpChart): string {
  const legend =
    chart.curves.length > 1
      ? `<p class="note pdp-legend">${chart.curves.map((curve, c) => `<span style="color:${colour(c)}">■</span> ${escapeHtml(curve.label)}`).join(" ")}</p>`
      : "";
  return [
    `<figure class="pdp"><figcaption><code>${escapeHtml(chart.feature)}</code> <span class="meta">${chart.categorical ? "categorical" : "numerical"}</span></figcaption>`,
    chart.categorical ? categoryBars(chart) : linePlot(chart),
    legend,
    "</figure>",
  ].join("");
}

function linePlot(chart: PdpChart): string {
  const G = chart.grid.length;
  const { low, high } = valueRange(chart.curves.flatMap((curve) => curve.values));
  const column = WIDTH / G;
  const position = gridPositions(chart.grid);
  // Half a column is kept free at each end, so the first and last distribution bars fit whole.
  const x = (g: number) => column / 2 + (position[g] ?? 0) * (WIDTH - column);
  const y = (v: number) => PAD + (1 - (v - low) / (high - low)) * (HEIGHT - 2 * PAD);
  const shapes: string[] = [];
  for (const level of [PAD, HEIGHT / 2, HEIGHT - PAD]) {
    shapes.push(
      `<line x1="0" y1="${level}" x2="${WIDTH}" y2="${level}" stroke="#eaeef2" vector-effect="non-scaling-stroke"/>`,
    );
  }
  const maxShare = Math.max(...chart.distribution, Number.MIN_VALUE);
  chart.distribution.forEach((share, g) => {
    const h = (share / maxShare) * (HEIGHT - 2 * PAD) * 0.35;
    // As wide as the space to the nearest neighbour allows, so bars of an uneven grid do not overlap.
    const room = Math.min(
      column,
      ...[g - 1, g + 1].filter((n) => n >= 0 && n < G).map((n) => Math.abs(x(n) - x(g))),
    );
    const w = Math.max(room * 0.84, 2);
    shapes.push(
      `<rect x="${(x(g) - w / 2).toFixed(1)}" y="${(HEIGHT - h).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="#d0d7de"/>`,
    );
  });
  chart.curves.forEach((curve, c) => {
    const points = curve.values.map((v, g) => `${x(g).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    shapes.push(
      `<polyline points="${points}" fill="none" stroke="${colour(c)}" stroke-width="2" vector-effect="non-scaling-stroke"/>`,
    );
  });
  // A transparent column per grid value: hovering it names the value, the outputs and the share.
  chart.grid.forEach((value, g) => {
    const outputs = chart.curves.map(
      (curve) => `${curve.label} ${formatValue(curve.values[g] ?? Number.NaN)}`,
    );
    const share =
      chart.distribution.length > 0 ? `; ${formatShare(chart.distribution[g] ?? 0, 1)} of rows` : "";
    shapes.push(
      `<rect x="${(x(g) - column / 2).toFixed(1)}" y="0" width="${column.toFixed(1)}" height="${HEIGHT}" fill="transparent"><title>${escapeHtml(`${chart.feature} = ${gridText(value)}: ${outputs.join(", ")}${share}`)}</title></rect>`,
    );
  });
  const labelled = tickedValues(position);
  const ticks = labelled.map(
    (g) =>
      `<span style="left:${((x(g) / WIDTH) * 100).toFixed(2)}%">${escapeHtml(gridText(chart.grid[g]))}</span>`,
  );
  const levels = [high, (high + low) / 2, low].map((v) => `<span>${formatValue(v)}</span>`);
  return [
    '<div class="pdp-plot">',
    `<div class="pdp-y">${levels.join("")}</div>`,
    `<svg class="pdp-area" role="img" aria-label="partial dependence on ${escapeHtml(chart.feature)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none">${shapes.join("")}</svg>`,
    `<div class="pdp-x">${ticks.join("")}</div>`,
    "</div>",
  ].join("");
}

function categoryBars(chart: PdpChart): string {
  const all = chart.curves.flatMap((curve) => curve.values);
  // Bars start at zero, so their lengths compare the outputs themselves.
  const base = Math.min(0, ...all);
  const top = Math.max(0, ...all);
  const span = top - base > 1e-12 ? top - base : 1;
  const cells: string[] = [];
  chart.grid.forEach((value, g) => {
    const share =
      chart.distribution.length > 0
        ? ` <span class="ib-share">${formatShare(chart.distribution[g] ?? 0, 1)} of rows</span>`
        : "";
    // A category's first row is set apart from the previous category's bars.
    cells.push(
      `<span class="ib-name group-start" style="grid-row:span ${chart.curves.length}">${escapeBreakable(String(value))}${share}</span>`,
    );
    chart.curves.forEach((curve, c) => {
      const v = curve.values[g] ?? 0;
      const left = ((Math.min(v, 0) - base) / span) * 100;
      const width = (Math.abs(v) / span) * 100;
      const start = c === 0 ? " group-start" : "";
      cells.push(
        `<span class="ib-track${start}"><span class="ib-bar" style="margin-left:${left.toFixed(1)}%;width:${width.toFixed(1)}%;background:${colour(c)}" title="${escapeHtml(`${curve.label}: ${formatValue(v)}`)}"></span></span>`,
        `<span class="ib-value${start}">${formatValue(v)}</span>`,
      );
    });
  });
  return `<div class="ib">${cells.join("")}</div>`;
}

/**
 * Where each grid value sits across the plot, from 0 to 1: by its value for a numerical grid, so
 * an uneven grid is not drawn as an even one; by its rank otherwise.
 */
function gridPositions(grid: readonly (number | string)[]): number[] {
  const byRank = grid.map((_, g) => (grid.length === 1 ? 0.5 : g / (grid.length - 1)));
  if (!grid.every((value) => typeof value === "number")) return byRank;
  const numbers = grid as readonly number[];
  const first = Math.min(...numbers);
  const last = Math.max(...numbers);
  if (!(last - first > 0) || !Number.isFinite(last - first)) return byRank;
  return numbers.map((value) => (value - first) / (last - first));
}

/**
 * The grid values named under the plot: the first, the last, and the one nearest the middle when
 * it sits far enough from both ends that the three labels cannot overlap on a phone.
 */
function tickedValues(position: readonly number[]): number[] {
  const last = position.length - 1;
  if (last <= 0) return [0];
  let middle = 0;
  position.forEach((p, g) => {
    if (Math.abs(p - 0.5) < Math.abs((position[middle] ?? 0) - 0.5)) middle = g;
  });
  const centred = Math.abs((position[middle] ?? 0) - 0.5) <= 0.25 && middle !== 0 && middle !== last;
  return centred ? [0, middle, last] : [0, last];
}

function valueRange(values: readonly number[]): { low: number; high: number } {
  const low = Math.min(...values);
  const high = Math.max(...values);
  // A flat curve is drawn across the middle of a unit range rather than divided by zero.
  return high - low < 1e-12 ? { low: low - 0.5, high: high + 0.5 } : { low, high };
}

function colour(index: number): string {
  return PDP_PALETTE[index % PDP_PALETTE.length] as string;
}

function gridText(value: number | string | undefined): string {
  if (value === undefined) return "";
  return typeof value === "number" ? formatValue(value) : value;
}
