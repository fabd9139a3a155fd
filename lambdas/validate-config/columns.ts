/**
 * Checks that the columns the analysis config names exist in the dataset, from the
 * first bytes of its first file: CSV header row (or the config's `headers` when
 * given), or the keys of the first JSON Lines record; for Parquet, from the column names
 * in the first file's footer. Other formats are not read.
 */
import { childPath, isRecord, type Problems, show } from "./problems.ts";

/** What the columns are read from: the first bytes as text, or a Parquet footer's column names. */
export type ColumnsSample =
  | { readonly text: string; readonly source: string }
  | { readonly columns: readonly string[]; readonly source: string };

interface DatasetColumns {
  readonly names: readonly string[];
  /** Columns per row, for 0-based index references (CSV only). */
  readonly count?: number;
}

/** Splits one CSV line, honouring double quotes. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      fields.push(field.trim());
      field = "";
    } else field += char;
  }
  fields.push(field.trim());
  return fields;
}

function firstLine(sample: string): string {
  const end = sample.indexOf("\n");
  return (end < 0 ? sample : sample.slice(0, end)).replace(/\r$/, "").replace(/^\uFEFF/, "");
}

/** The dataset's columns, or undefined when its format is not inspected (a problem is added when unreadable). */
function readColumns(
  config: Record<string, unknown>,
  dataset: ColumnsSample,
  paths: { readonly configPath: string; readonly datasetPath: string },
  problems: Problems,
): DatasetColumns | undefined {
  const { datasetPath } = paths;
  const headersPath = childPath(paths.configPath, "headers");
  const headers = Array.isArray(config.headers)
    ? config.headers.filter((h): h is string => typeof h === "string")
    : undefined;
  const source = dataset.source;
  if ("columns" in dataset) return parquetColumns(dataset.columns, headers, source, headersPath, problems);
  const sample = dataset.text;
  const line = firstLine(sample);
  if (line.trim() === "") {
    problems.add(datasetPath, `${source} is empty; the dataset needs at least one row`);
    return undefined;
  }
  if (config.dataset_type === "text/csv") {
    const fields = splitCsvLine(line);
    if (headers && headers.length !== fields.length) {
      problems.add(
        headersPath,
        `headers lists ${headers.length} columns but the first row of ${source} has ${fields.length}`,
      );
    }
    return { names: headers ?? fields, count: headers?.length ?? fields.length };
  }
  if (config.dataset_type === "application/jsonlines") {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      problems.add(
        datasetPath,
        `the first line of ${source} is not JSON; dataset_type application/jsonlines needs one JSON object per line`,
      );
      return undefined;
    }
    if (!isRecord(record)) {
      problems.add(datasetPath, `the first record of ${source} is ${show(record)}, not a JSON object`);
      return undefined;
    }
    return { names: [...Object.keys(record), ...(headers ?? [])] };
  }
  return undefined;
}

/** A Parquet file names its columns; `headers`, when given, must list the same ones, as the engine requires. */
function parquetColumns(
  columns: readonly string[],
  headers: readonly string[] | undefined,
  source: string,
  headersPath: string,
  problems: Problems,
): DatasetColumns {
  if (headers && (headers.length !== columns.length || headers.some((h, i) => h !== columns[i]))) {
    problems.add(
      headersPath,
      `headers (${headers.join(", ")}) differ from the columns of ${source} (${columns.join(", ")}); a Parquet file names its own columns: drop headers or list them in order`,
    );
  }
  return { names: columns, count: columns.length };
}

/** A JMESPath expression rather than a plain key: JSON Lines references that cannot be checked by name. */
const isExpression = (name: string) => /[.[\]()*|@`]/.test(name);

/**
 * Adds a problem for each column the config names but the dataset lacks.
 * `configPath` is where the config was given; `datasetPath` where the dataset was.
 */
export function checkColumns(
  config: Record<string, unknown>,
  sample: ColumnsSample,
  paths: { readonly configPath: string; readonly datasetPath: string },
  problems: Problems,
): void {
  const columns = readColumns(config, sample, paths, problems);
  if (!columns) return;
  const source = sample.source;
  const refs: { path: string; value: unknown }[] = [];
  const at = (key: string) => childPath(paths.configPath, key);
  for (const key of ["label", "group_variable"]) {
    if (Object.hasOwn(config, key)) refs.push({ path: at(key), value: config[key] });
  }
  // Predicted labels in a separate dataset are not in this one.
  if (Object.hasOwn(config, "predicted_label") && !Object.hasOwn(config, "predicted_label_dataset_uri")) {
    refs.push({ path: at("predicted_label"), value: config.predicted_label });
  }
  if (Array.isArray(config.facet)) {
    config.facet.forEach((facet, index) => {
      if (isRecord(facet))
        refs.push({ path: `${at("facet")}[${index}].name_or_index`, value: facet.name_or_index });
    });
  }
  if (Array.isArray(config.excluded_columns)) {
    config.excluded_columns.forEach((value, index) => {
      refs.push({ path: `${at("excluded_columns")}[${index}]`, value });
    });
  }
  for (const { path, value } of refs) {
    if (typeof value === "string" && !isExpression(value) && !columns.names.includes(value)) {
      problems.add(path, `column ${show(value)} is not in ${source} (columns: ${columns.names.join(", ")})`);
    } else if (typeof value === "number" && columns.count !== undefined && value >= columns.count) {
      problems.add(path, `column index ${value} is out of range; ${source} has ${columns.count} columns`);
    }
  }
}
