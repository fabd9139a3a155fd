/**
 * The report's stylesheet, inlined into the page: system fonts only, nothing fetched. One column
 * on a phone; on a wide screen each metric row spreads name, scale, value and gate side by side.
 * Nothing is wider than the page: long names and values wrap.
 */
export const REPORT_STYLES = `
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  margin: 0; color: #1b1f24; background: #fff; line-height: 1.45; overflow-wrap: anywhere; }
main { max-width: 1120px; margin: 0 auto; padding: 16px 14px 48px; }
h1 { font-size: 1.6rem; margin: 8px 0 2px; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin: 32px 0 10px; }
h3 { font-size: 1.05rem; margin: 22px 0 8px; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em;
  background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
a { color: #0a58b5; }
.meta, .note, .hint { color: #57606a; margin-top: 0; }
.hint { font-size: 0.85rem; }
.verdict, .warnings, .guidance { border-radius: 8px; padding: 2px 16px 12px; margin-top: 20px; }
.verdict h2, .warnings h2, .guidance h2 { border: 0; margin: 12px 0 6px; }
.verdict.pass { background: #dafbe1; border: 1px solid #8ddb9f; }
.verdict.pass h2 { color: #116329; }
.verdict.fail { background: #ffebe9; border: 1px solid #f5a8a0; }
.verdict.fail h2, .breaches li strong { color: #a40e26; }
.verdict.neutral { background: #f6f8fa; border: 1px solid #d0d7de; }
.warnings { background: #fff8c5; border: 1px solid #e2c541; }
.warnings h2 { color: #7d4e00; }
.guidance { background: #fff1e5; border: 1px solid #f0b07a; }
.guidance h2 { color: #953800; }
.breaches, .held, .flags, .warnings ul { padding-left: 22px; margin: 6px 0; }
.breaches li, .flags li, .warnings li { margin: 4px 0; }
.held { color: #1f5f2f; font-size: 0.92rem; }
.held-title { margin: 10px 0 0; font-weight: 600; }
.how, .stage, .scope, .allowed, .versus { color: #57606a; font-weight: normal; }
.versus { font-size: 0.85rem; }
.fails-gates { color: #a40e26; }
dl.facts { display: grid; grid-template-columns: minmax(9rem, 14rem) 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.top-values { color: #57606a; font-size: 0.9rem; }
.group-tables { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); gap: 8px 32px; }
.group-card h3 { margin-top: 10px; }
.nw { white-space: nowrap; }
.count { color: #57606a; }
table.group-table { border-collapse: collapse; width: 100%; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
table.group-table th, table.group-table td { border-top: 1px solid #d0d7de; padding: 3px 6px; text-align: right; vertical-align: bottom; }
table.group-table thead th, table.group-table thead td { border-top: 0; }
table.group-table th[scope="row"] { text-align: left; font-weight: normal; color: #424a53; }
table.group-table .side { color: #57606a; font-weight: normal; }
.legend { font-size: 0.85rem; color: #57606a; display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 28px; }
.key { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }
.key-ideal { width: 2px; height: 14px; background: #1b1f24; }
.key-bar { background: #3b82c4; }
.key-band { background: rgba(46, 160, 67, 0.25); border: 1px solid rgba(46, 160, 67, 0.6); }
.key-guide { background: repeating-linear-gradient(45deg, #eaeef2 0 3px, #fff 3px 6px); border: 1px dashed #8c959f; }
.key-breach { background: #cf222e; }
.facet-value { margin: 0 0 20px; }
.metrics { border: 1px solid #d0d7de; border-radius: 8px; }
.metric { display: grid; grid-template-columns: 1fr auto; grid-template-areas: "name value" "scale scale" "status status" "extra extra" "explain explain";
  gap: 2px 12px; padding: 10px 12px; border-top: 1px solid #d0d7de; }
.metric:first-child { border-top: 0; }
.m-name { grid-area: name; }
.m-code { font-weight: 700; }
.m-long { color: #57606a; font-size: 0.9rem; }
.m-value { grid-area: value; font-weight: 700; font-variant-numeric: tabular-nums; text-align: right; }
.m-none { font-weight: normal; font-style: italic; color: #6e7781; }
.m-scale { grid-area: scale; min-width: 0; }
.m-status { grid-area: status; font-size: 0.88rem; }
.m-rule { color: #57606a; }
.m-extra { grid-area: extra; display: flex; flex-wrap: wrap; gap: 2px 16px; font-size: 0.88rem; }
.m-extra-label { color: #57606a; }
.m-explain { grid-area: explain; margin: 4px 0 0; font-size: 0.85rem; color: #424a53; }
.status-breached { background: #fff5f4; }
.status-breached .m-code, .status-breached .m-value, .status-breached .m-status strong { color: #a40e26; }
.status-passed .m-status strong { color: #1a7f37; }
.status-look .m-status strong { color: #953800; }
.null-error { font-style: italic; color: #6e7781; font-size: 0.9rem; }
.scale { padding: 4px 0 0; }
.track { position: relative; height: 22px; margin: 0 4px; }
.ticks { position: relative; height: 1.2em; margin: 0 4px; font-size: 0.75rem; color: #57606a; }
.tick { position: absolute; top: 0; white-space: nowrap; }
.tick.end { transform: translateX(-100%); }
.tick-ideal.middle { transform: translateX(-50%); }
.tick-ideal.end { transform: translateX(-100%); }
.tick-ideal { color: #1b1f24; }
.axis { position: absolute; left: 0; right: 0; top: 50%; border-top: 1px solid #8c959f; }
.gate-band, .guide-band { position: absolute; top: 2px; bottom: 2px; }
.gate-band { background: rgba(46, 160, 67, 0.2); border: 1px solid rgba(46, 160, 67, 0.6); border-width: 0 2px; }
.guide-band { background: repeating-linear-gradient(45deg, #eaeef2 0 3px, transparent 3px 6px); border: 1px dashed #8c959f; border-width: 0 1px; }
.bar { position: absolute; top: 7px; height: 8px; background: #3b82c4; }
.status-breached .bar { background: #cf222e; }
.status-look .bar { background: #e16f24; }
.ideal { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: #1b1f24; }
.dot { position: absolute; top: 5px; width: 12px; height: 12px; margin-left: -6px; border-radius: 50%; background: #0b4f8a; border: 2px solid #fff; }
.status-breached .dot { background: #a40e26; }
.status-look .dot { background: #953800; }
.dot.off-scale { border-radius: 2px; }
.interval { position: absolute; top: 6px; height: 10px; border: solid #24292f; border-width: 0 2px;
  background: linear-gradient(#24292f, #24292f) center / 100% 2px no-repeat; }
.key-interval { border: solid #24292f; border-width: 0 2px; background: linear-gradient(#24292f, #24292f) center / 100% 2px no-repeat; }
.m-interval { display: block; font-weight: normal; font-size: 0.72rem; color: #57606a; }
.trend { vertical-align: middle; overflow: visible; }
.m-drift { color: #57606a; }
.trend .t-ideal { stroke: #8c959f; stroke-dasharray: 3 2; stroke-width: 1; }
.trend .t-line { fill: none; stroke: #3b82c4; stroke-width: 1.5; }
.trend .t-pass { fill: #1a7f37; }
.trend .t-fail { fill: #cf222e; }
.trend .t-now { fill: #0b4f8a; stroke: #fff; stroke-width: 1; }
.explanations figure { margin: 0 0 20px; min-width: 0; }
.explanations figcaption { margin-bottom: 6px; }
.ib { display: grid; grid-template-columns: fit-content(45%) minmax(4rem, 1fr) auto; gap: 3px 8px;
  align-items: center; max-width: 760px; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
.ib-name { text-align: right; color: #1b1f24; }
.ib-share { color: #57606a; font-size: 0.8rem; white-space: nowrap; }
.ib-track { height: 14px; }
.ib-bar { display: block; height: 100%; min-width: 1px; background: #0a58b5; }
.ib-bar.negative { background: #bc4c00; }
.ib-value { color: #57606a; font-size: 0.85rem; }
.ib .group-start { margin-top: 8px; }
.explanations figure .note { margin: 6px 0 0; }
.pdp-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 300px), 1fr)); gap: 8px 32px; }
.pdp-plot { display: grid; grid-template-columns: auto minmax(0, 1fr); grid-template-areas: "y area" ". x";
  padding-right: 1rem; font-size: 0.8rem; color: #57606a; font-variant-numeric: tabular-nums; }
/* 168 px with 16 px lines: the y labels sit on the plot's top, middle and bottom values. */
.pdp-y { grid-area: y; display: flex; flex-direction: column; justify-content: space-between;
  height: 168px; line-height: 16px; text-align: right; padding-right: 6px; }
.pdp-area { grid-area: area; display: block; width: 100%; height: 168px; overflow: visible;
  border-left: 1px solid #8c959f; border-bottom: 1px solid #8c959f; }
.pdp-x { grid-area: x; position: relative; height: 1.5em; }
.pdp-x span { position: absolute; top: 2px; transform: translateX(-50%); white-space: nowrap; }
.pdp-legend { font-size: 0.85rem; }
@media (min-width: 760px) {
  main { padding: 24px 24px 64px; }
  .metric { grid-template-columns: minmax(12rem, 17rem) minmax(0, 1fr) 7.5rem minmax(10rem, 14rem);
    grid-template-areas: "name scale value status" "extra extra extra extra" "explain explain explain explain"; align-items: center; }
  .m-value { text-align: right; }
}
@media (max-width: 640px) {
  h1 { font-size: 1.35rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 6px; }
}
`;
