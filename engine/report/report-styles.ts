/** The report's stylesheet, inlined into the page: system fonts only, nothing fetched. */
export const REPORT_STYLES = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  margin: 24px auto; max-width: 960px; padding: 0 16px; color: #1b1f24; background: #fff; }
h1 { font-size: 1.6rem; margin-bottom: 4px; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 1.05rem; margin: 20px 0 8px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
.meta { color: #57606a; margin-top: 0; }
.verdict { font-weight: 600; padding: 8px 12px; border-radius: 6px; }
.verdict.pass { background: #dafbe1; color: #116329; }
.verdict.fail { background: #ffebe9; color: #a40e26; }
.verdict.neutral { background: #f6f8fa; color: #57606a; }
.breaches li { color: #a40e26; }
.legend { font-size: 0.85rem; color: #57606a; }
.key { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
.key-ideal { width: 2px; height: 14px; background: #1b1f24; }
.key-bar { background: #3b82c4; }
.key-band { background: rgba(46, 160, 67, 0.22); border: 1px solid rgba(46, 160, 67, 0.5); }
.key-bound { width: 0; height: 14px; border-left: 2px dashed #a40e26; }
.key-breach { background: #cf222e; }
figure.facet-value { margin: 0 0 24px; padding: 12px; border: 1px solid #d0d7de; border-radius: 8px; }
figcaption { font-size: 0.95rem; margin-bottom: 6px; }
svg.metric-chart { display: block; max-width: 100%; height: auto; font-size: 13px; }
svg .code { font-weight: 700; font-size: 14px; fill: #1b1f24; }
svg .long-name { font-size: 11px; fill: #57606a; }
svg .track { stroke: #8c959f; stroke-width: 1; }
svg .tick { font-size: 10px; fill: #6e7781; }
svg .ideal { stroke: #1b1f24; stroke-width: 2; }
svg .gate-band { fill: rgba(46, 160, 67, 0.18); stroke: rgba(46, 160, 67, 0.45); }
svg .gate-bound { stroke: #a40e26; stroke-width: 1.5; stroke-dasharray: 3 2; }
svg .bar { fill: #3b82c4; }
svg .bar-breached { fill: #cf222e; }
svg .dot { fill: #0b4f8a; }
svg .dot-breached { fill: #a40e26; }
svg .value { font-weight: 600; font-variant-numeric: tabular-nums; fill: #1b1f24; }
svg .null-error { font-style: italic; fill: #6e7781; }
svg .status-breached .status { fill: #cf222e; font-weight: 700; }
svg .status-passed .status { fill: #1a7f37; }
svg .status-no-gate .status, svg .status-not-evaluated .status { fill: #8c959f; }
svg .status-breached .code { fill: #cf222e; }
table.metrics { border-collapse: collapse; width: 100%; margin-top: 10px; font-size: 0.85rem; }
table.metrics th, table.metrics td { border-top: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; }
table.metrics td.num { font-variant-numeric: tabular-nums; }
table.metrics td:nth-child(5) { white-space: nowrap; }
table.metrics td.null-error { font-style: italic; color: #6e7781; }
table.metrics tr.status-breached td { background: #ffebe9; color: #a40e26; font-weight: 600; }
`;
