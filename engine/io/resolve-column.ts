import { quotedColumn } from "../aggregate/role-column.ts";
import type { ColumnRef } from "../config/analysis-config.ts";
import { EngineInputError } from "../errors.ts";

/** A configured column (name or zero-based index) as a field index, or a clear error naming the key. */
export function resolveColumn(
  ref: ColumnRef,
  names: readonly string[] | undefined,
  fieldCount: number,
  configPath: string,
): number {
  if (typeof ref === "number") {
    if (ref < fieldCount) return ref;
    throw new EngineInputError(
      `${configPath}: column index ${ref} is out of range: the data has ${fieldCount} columns`,
    );
  }
  const index = names?.indexOf(ref) ?? -1;
  if (index >= 0) return index;
  if (names === undefined) {
    throw new EngineInputError(
      `${configPath}: column ${quotedColumn(ref)} cannot be found: the dataset has no column names (give headers)`,
    );
  }
  throw new EngineInputError(
    `${configPath}: column ${quotedColumn(ref)} is not in the dataset; its columns are ${names.map(quotedColumn).join(", ")}`,
  );
}
