/**
 * The top of the report: the run's verdict (every breach, worst first, then the gates that held)
 * or, without gates, what a data scientist would look at first, labelled as guidance.
 */

import { worstFirst } from "../../contracts/gate-evaluation.ts";
import type { ReportSection } from "./analysis-shape.ts";
import { describeGroup, describeInterval, formatValue } from "./format.ts";
import { allowedInterval, distanceOutside, type GateResult } from "./gate-check.ts";
import { escapeHtml } from "./html-escape.ts";
import { metricInfo } from "./metric-catalog.ts";
import { describeGuidanceBreach, outsideGuidance } from "./metric-row.ts";

// Non-breaking hyphens: a narrow screen must not break "pre-" from "training".
const STAGE_NAMES = { pre_training: "pre\u2011training", post_training: "post\u2011training" } as const;

/**
 * @param results the gate results; undefined when this report knows no gates
 * @param noGatesNote what to say when there are no gates
 */
export function renderVerdict(results: readonly GateResult[] | undefined, noGatesNote: string): string {
  if (results === undefined || results.length === 0) {
    return `<section class="verdict neutral" id="verdict"><h2>No gates</h2><p>${escapeHtml(noGatesNote)}</p></section>`;
  }
  const breaches = worstFirst(results);
  const held = results.filter((result) => result.passed);
  if (breaches.length === 0) {
    return (
      '<section class="verdict pass" id="verdict">' +
      `<h2>✓ Every gate held</h2><p>All ${results.length} gated metric value${plural(results.length)} are within their allowed range.</p>` +
      renderHeld(held) +
      "</section>"
    );
  }
  return (
    '<section class="verdict fail" id="verdict">' +
    `<h2>✗ Bias gates failed</h2><p>${breaches.length} of ${results.length} gated metric value${plural(results.length)} ` +
    `${breaches.length === 1 ? "breaches its" : "breach their"} gate. Worst first (furthest outside the allowed range; ` +
    "values rounded to 4 significant digits, exact values in summary.json):</p>" +
    `<ol class="breaches">${breaches.map((b) => `<li>${describeBreach(b)}</li>`).join("")}</ol>` +
    renderHeld(held) +
    "</section>"
  );
}

function describeBreach(result: GateResult): string {
  const where = describeWhere(result);
  const { low, high } = allowedInterval(result.gate);
  const allowed = describeInterval(low, high);
  if (result.value === null) {
    return `${where}: ${escapeHtml(result.message ?? "no value")} <span class="allowed">(allowed <span class="nw">${escapeHtml(allowed)}</span>)</span>`;
  }
  const distance = distanceOutside(result.value, low, high);
  const side = result.value < low ? "below the minimum" : "above the maximum";
  const how =
    distance > 0
      ? `${escapeHtml(formatValue(distance))} ${side}`
      : // Inside the range yet failed: collect-results says why (e.g. a degenerate reading).
        escapeHtml(result.message ?? "failed");
  return (
    `${where}: <strong>${escapeHtml(formatValue(result.value))}</strong>, allowed <span class="nw">${escapeHtml(allowed)}</span> ` +
    `<span class="how">(${how})</span>`
  );
}

function renderHeld(held: readonly GateResult[]): string {
  if (held.length === 0) return "";
  const items = held.map((result) => {
    const { low, high } = allowedInterval(result.gate);
    return `<li>${describeWhere(result)}: ${escapeHtml(formatValue(result.value ?? Number.NaN))} within <span class="nw">${escapeHtml(describeInterval(low, high))}</span></li>`;
  });
  return `<p class="held-title">Held (${held.length}):</p><ul class="held">${items.join("")}</ul>`;
}

function describeWhere(result: GateResult): string {
  const name = metricInfo(result.metric).name;
  const code = `<code>${escapeHtml(result.metric)}</code> ${escapeHtml(name === result.metric ? "" : name)}`;
  if (result.facet === "*") return code;
  return (
    `${code} for <span class="group">${escapeHtml(describeGroup(result.facet, result.facetValue))}</span> ` +
    `<span class="stage">(${STAGE_NAMES[result.stage]})</span>`
  );
}

/** Ungated values outside their metric's rule of thumb, furthest first; empty when none is. */
export function renderGuidance(sections: readonly ReportSection[], gated: (code: string) => boolean): string {
  const flags: { readonly html: string; readonly distance: number }[] = [];
  for (const section of sections) {
    for (const facet of section.facets) {
      for (const entry of facet.values) {
        for (const metric of entry.metrics) {
          if (gated(metric.code) || metric.value === null) continue;
          const guidance = outsideGuidance(metric.code, metric.value);
          if (guidance === undefined) continue;
          const distance = distanceOutside(
            metric.value,
            guidance.low ?? Number.NEGATIVE_INFINITY,
            guidance.high ?? Number.POSITIVE_INFINITY,
          );
          flags.push({
            distance,
            html:
              `<code>${escapeHtml(metric.code)}</code> ${escapeHtml(metricInfo(metric.code).name)} for ` +
              `<span class="group">${escapeHtml(describeGroup(facet.name, entry.valueOrThreshold))}</span> ` +
              `<span class="stage">(${STAGE_NAMES[section.stage]})</span>: <strong>${escapeHtml(formatValue(metric.value))}</strong>, ` +
              `${escapeHtml(describeGuidanceBreach(guidance))} <span class="how">(${escapeHtml(guidance.rule)})</span>`,
          });
        }
      }
    }
  }
  if (flags.length === 0) return "";
  flags.sort((x, y) => y.distance - x.distance);
  return (
    '<section class="guidance" id="guidance"><h2>⚠ Worth a look (guidance, not a gate)</h2>' +
    "<p>Values without a gate that fall outside a common rule of thumb: the four-fifths rule for DI, " +
    "a gap above 10 percentage points for differences of rates, one group 3 times the size of the other for CI. " +
    "They do not fail the run; add a gate in run.json to enforce one.</p>" +
    `<ul class="flags">${flags.map((f) => `<li>${f.html}</li>`).join("")}</ul></section>`
  );
}

function plural(n: number): string {
  return n === 1 ? "" : "s";
}
