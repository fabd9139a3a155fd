import { EngineInputError } from "../../errors.ts";
import { TableReader } from "../../io/open-table.ts";
import { parseNumber } from "../../io/parse-number.ts";
import type { FeatureTable } from "../feature-table.ts";

/**
 * A baseline given as a file: CSV rows of feature values in the dataset's feature order, with
 * or without a header row naming the features. An S3 URI is read from `readFrom`, the copy the
 * processing job downloaded (engine/processing/shap-baseline.ts); `analyze` reads none.
 */
export function readBaselineFile(uri: string, table: FeatureTable, readFrom?: string): (string | number)[][] {
  if (readFrom === undefined && /^s3:\/\//i.test(uri)) {
    throw new EngineInputError(
      `$.methods.shap.baseline: ${uri} is on S3, which the local engine does not read: give a local file path or inline rows`,
    );
  }
  const reader = new TableReader([readFrom ?? uri], { kind: "csv", headers: table.names });
  const rows: (string | number)[][] = [];
  try {
    while (reader.next()) {
      const row: (string | number)[] = [];
      for (let f = 0; f < reader.fieldCount; f++) {
        reader.view(f);
        const { viewBuf, viewStart, viewEnd } = reader;
        // A number exactly when pandas' CSV reader reads one (not JavaScript's grammar: `0x10` is text).
        const number = parseNumber(viewBuf, viewStart, viewEnd);
        const text = Buffer.from(viewBuf.buffer, viewBuf.byteOffset + viewStart, viewEnd - viewStart)
          .toString("utf8")
          .trim();
        row.push(Number.isNaN(number) ? text : number);
      }
      rows.push(row);
    }
  } catch (error) {
    if (error instanceof EngineInputError) throw error;
    throw new EngineInputError(`$.methods.shap.baseline: ${uri} cannot be read: ${(error as Error).message}`);
  } finally {
    reader.close();
  }
  if (rows.length === 0) throw new EngineInputError(`$.methods.shap.baseline: ${uri} holds no rows`);
  return rows;
}
