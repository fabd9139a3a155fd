/**
 * One row-source measurement in its own process: reads every row of a dataset through the
 * engine's TableReader, looking at every field (as the count pass looks at the analysed ones),
 * then prints `{"seconds", "cpuSeconds", "maxRssMB", "rows"}`. Run by parquet.bench.ts.
 *
 *   node bench/read-rows.ts <dataset> <csv|parquet>
 */
import { datasetFiles } from "../engine/io/dataset-files.ts";
import { TableReader } from "../engine/io/open-table.ts";

const [dataset, kind] = process.argv.slice(2);
if (!dataset || (kind !== "csv" && kind !== "parquet")) {
  throw new Error("usage: read-rows.ts <dataset> <csv|parquet>");
}
const started = performance.now();
const cpuStarted = process.cpuUsage();
const reader = new TableReader(datasetFiles(dataset), { kind });
let rows = 0;
let bytes = 0;
while (reader.next()) {
  rows++;
  for (let field = 0; field < reader.fieldCount; field++) {
    reader.view(field);
    bytes += reader.viewEnd - reader.viewStart;
  }
}
reader.close();
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  JSON.stringify({
    seconds,
    cpuSeconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    rows,
    cellBytes: bytes,
  }),
);
