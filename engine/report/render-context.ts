/**
 * The sections drawn from analysis_context.json: its warnings, the analysis as it was read
 * (dataset, label, facets, group variable, and how each column was typed), and the groups every
 * metric is computed from. Without the file, the analysis section says what analysis.json alone
 * tells, and why the rest is missing.
 */
import type {
  AnalysisContext,
  AnalysisWarning,
  ColumnReading,
  FacetReading,
  SideCounts,
} from "../../contracts/analysis-context.ts";
import type { ReportSection } from "./analysis-shape.ts";
import { describeGroup, formatCount, formatShare, formatValue } from "./format.ts";
import { escapeHtml } from "./html-escape.ts";

/** How many of a column's most frequent values the analysis section names. */
const TOP_VALUES_SHOWN = 5;

export function renderWarnings(context: AnalysisContext | undefined): string {
  if (context === undefined || context.warnings.length === 0) return "";
  const items = context.warnings.map((warning) => `<li>${describeWarning(warning)}</li>`);
  return (
    `<section class="warnings" id="warnings"><h2>⚠ ${context.warnings.length} warning${context.warnings.length === 1 ? "" : "s"} about this analysis</h2>` +
    `<ul>${items.join("")}</ul></section>`
  );
}

function describeWarning(warning: AnalysisWarning): string {
  const scope =
    warning.facet === undefined
      ? "whole analysis"
      : `facet ${warning.valueOrThreshold === undefined ? warning.facet : describeGroup(warning.facet, warning.valueOrThreshold)}`;
  return (
    `<code>${escapeHtml(warning.code)}</code> <span class="scope">(${escapeHtml(scope)})</span> ` +
    escapeHtml(warning.message) +
    (warning.failsGates
      ? ' <strong class="fails-gates">Its metrics are not meaningful: any gate on them fails.</strong>'
      : "")
  );
}

/** "The analysis": what was analysed and how it was read. */
export function renderAnalysisStated(
  sections: readonly ReportSection[],
  context: AnalysisContext | undefined,
  note: string | undefined,
): string {
  const facts: string[] = [];
  if (context !== undefined) {
    facts.push(fact("Dataset", describeDataset(context)));
    if (context.label !== undefined) {
      facts.push(
        fact(
          `Label <code>${escapeHtml(context.label.column)}</code>`,
          describeColumn(context.label, "label"),
        ),
      );
    }
    if (context.predictedLabel !== undefined) {
      facts.push(
        fact(
          `Predicted label <code>${escapeHtml(context.predictedLabel.column)}</code>`,
          describeColumn(context.predictedLabel, "label", context.predictedLabel.castTo),
        ),
      );
    }
    for (const facet of context.facets) {
      facts.push(fact(`Facet <code>${escapeHtml(facet.column)}</code>`, describeFacet(facet)));
    }
  } else {
    const first = sections[0];
    if (first !== undefined) {
      facts.push(
        fact(
          `Label <code>${escapeHtml(first.label)}</code>`,
          `Positive value or threshold <code>${escapeHtml(first.labelValueOrThreshold)}</code>`,
        ),
      );
    }
    const facets = new Map<string, Set<string>>();
    for (const section of sections) {
      for (const facet of section.facets) {
        const values = facets.get(facet.name) ?? new Set<string>();
        for (const value of facet.values) values.add(value.valueOrThreshold);
        facets.set(facet.name, values);
      }
    }
    for (const [name, values] of facets) {
      facts.push(
        fact(
          `Facet <code>${escapeHtml(name)}</code>`,
          `Analysed: ${[...values].map((v) => `<code>${escapeHtml(v)}</code>`).join(", ")}, each compared with all other rows`,
        ),
      );
    }
  }
  if (context?.groupVariable !== undefined) {
    facts.push(
      fact(
        "Group variable",
        `<code>${escapeHtml(context.groupVariable)}</code>: CDDL and CDDPL compare the facet within each of its groups`,
      ),
    );
  }
  return (
    '<section class="analysis" id="analysis"><h2>The analysis</h2>' +
    (note === undefined ? "" : `<p class="note">${escapeHtml(note)}</p>`) +
    `<dl class="facts">${facts.join("")}</dl></section>`
  );
}

function fact(term: string, description: string): string {
  return `<dt>${term}</dt><dd>${description}</dd>`;
}

function describeDataset(context: AnalysisContext): string {
  const { dataset } = context;
  const files =
    dataset.files.length === 0
      ? "no file named"
      : `${dataset.files.length} file${dataset.files.length === 1 ? "" : "s"}: ${dataset.files
          .map((file) => `<code>${escapeHtml(file)}</code>`)
          .join(", ")}`;
  const skipped = dataset.rowsSkipped.filter((entry) => entry.rows > 0);
  const skippedText =
    skipped.length === 0
      ? "no row left out"
      : `left out: ${skipped.map((entry) => `${formatCount(entry.rows)} (${escapeHtml(entry.reason)})`).join("; ")}`;
  return (
    `<code>${escapeHtml(dataset.datasetType)}</code>, ${files}.<br>` +
    `${formatCount(dataset.rowsRead)} rows read; ${skippedText}.`
  );
}

/** `castTo`: the integer dtype float predictions were cast to before the threshold (predicted label only). */
function describeColumn(column: ColumnReading, role: "label" | "facet", castTo?: string): string {
  // The cast decides which predictions are above the threshold (30.9 is not above 30): say so where the threshold is.
  const value =
    castTo === undefined
      ? "the value"
      : `the value, first cast to the label's <code>${escapeHtml(castTo)}</code> toward zero as Clarify casts it (1.7 becomes 1),`;
  const positive =
    "threshold" in column.positive
      ? `${role === "label" ? "Positive" : "In the facet group"} when ${value} is above <code>${escapeHtml(formatValue(column.positive.threshold))}</code>`
      : `${role === "label" ? "Positive" : "In the facet group"} when the value is ${column.positive.values
          .map((v) => `<code>${escapeHtml(v)}</code>`)
          .join(" or ")}`;
  return `${positive}.<br>${describeTyping(column)}`;
}

function describeTyping(column: ColumnReading): string {
  const top = column.topValues.slice(0, TOP_VALUES_SHOWN);
  const more = column.topValues.length > TOP_VALUES_SHOWN ? ", …" : "";
  const values =
    top.length === 0
      ? ""
      : `<br><span class="top-values">Most frequent values: ${top
          .map((v) => `<code>${escapeHtml(v.value)}</code> (${formatCount(v.rows)})`)
          .join(", ")}${more}</span>`;
  return `Read as <strong>${column.dataType}</strong>: ${escapeHtml(column.why)}${values}`;
}

function describeFacet(facet: FacetReading): string {
  const positive = facet.positive;
  const analysed = facet.groups.map((group) =>
    "threshold" in positive
      ? `rows with a value above <code>${escapeHtml(formatValue(positive.threshold))}</code>` +
        // No interval when no value is above the threshold (smclarify writes it empty).
        (group.valueOrThreshold === "" ? "" : ` (<code>${escapeHtml(group.valueOrThreshold)}</code>)`)
      : `<code>${escapeHtml(group.valueOrThreshold)}</code>`,
  );
  return (
    `Analysed: ${analysed.join(", ") || "no value"}, each compared with all other rows.<br>` +
    describeTyping(facet)
  );
}

/** Per facet value: rows, share, positive-label and positive-prediction rates, confusion counts. */
export function renderGroups(context: AnalysisContext | undefined): string {
  if (context === undefined || context.facets.every((facet) => facet.groups.length === 0)) return "";
  const tables = context.facets.filter((facet) => facet.groups.length > 0).flatMap(renderFacetGroups);
  return (
    '<section class="groups" id="groups"><h2>Groups</h2>' +
    "<p>Every metric compares the facet group (<em>d</em>) with all other rows (<em>a</em>). " +
    "These are the counts it is computed from.</p>" +
    `<div class="group-tables">${tables.join("")}</div></section>`
  );
}

/** One card per analysed facet value: its counts beside those of all other rows. */
function renderFacetGroups(facet: FacetReading): string[] {
  return facet.groups.map((group) => {
    const sides = [group.facet, group.others];
    const total = group.facet.rows + group.others.rows;
    const name =
      "threshold" in facet.positive
        ? `${facet.column} > ${formatValue(facet.positive.threshold)}`
        : `${facet.column} = ${group.valueOrThreshold}`;
    const rows: [string, (side: SideCounts) => string][] = [
      ["Rows", (side) => formatCount(side.rows)],
      ["Share of rows", (side) => formatShare(side.rows, total)],
      ["Positive labels", (side) => rate(side.labelPositive, side.rows)],
    ];
    if (sides.some((side) => side.predictedPositive !== undefined)) {
      rows.push([
        "Positive predictions",
        (side) => (side.predictedPositive === undefined ? "—" : rate(side.predictedPositive, side.rows)),
      ]);
    }
    if (sides.some((side) => side.confusion !== undefined)) {
      const names = {
        tp: "True positives",
        fp: "False positives",
        fn: "False negatives",
        tn: "True negatives",
      };
      for (const key of ["tp", "fp", "fn", "tn"] as const) {
        rows.push([
          `${names[key]} (${key.toUpperCase()})`,
          (side) => (side.confusion === undefined ? "—" : formatCount(side.confusion[key])),
        ]);
      }
    }
    const body = rows
      .map(
        ([label, value]) =>
          `<tr><th scope="row">${escapeHtml(label)}</th><td>${value(group.facet)}</td><td>${value(group.others)}</td></tr>`,
      )
      .join("");
    return (
      `<div class="group-card"><h3>Facet <code>${escapeHtml(facet.column)}</code></h3><table class="group-table">` +
      `<thead><tr><td></td><th scope="col">${escapeHtml(name)} <span class="side">(d)</span></th>` +
      `<th scope="col">all other rows <span class="side">(a)</span></th></tr></thead><tbody>${body}</tbody></table></div>`
    );
  });
}

/** `25.7% (4,238)`, kept in one piece per number so a narrow cell breaks between them only. HTML. */
function rate(part: number, whole: number): string {
  return `<span class="nw">${formatShare(part, whole)}</span> <span class="nw count">(${formatCount(part)})</span>`;
}
