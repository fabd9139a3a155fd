/** parquetjs-lite ships no types; these cover what the tests use to write Parquet files with v1 data pages. */
declare module "parquetjs-lite" {
  export interface FieldDefinition {
    type?: "UTF8" | "INT64" | "INT32" | "DOUBLE" | "FLOAT" | "BOOLEAN";
    optional?: boolean;
    repeated?: boolean;
    /** A group (struct) of fields. */
    fields?: Record<string, FieldDefinition>;
    compression?: "UNCOMPRESSED" | "GZIP" | "SNAPPY";
  }
  export class ParquetSchema {
    constructor(fields: Record<string, FieldDefinition>);
  }
  export class ParquetWriter {
    static openFile(
      schema: ParquetSchema,
      path: string,
      options?: { useDataPageV2?: boolean; rowGroupSize?: number },
    ): Promise<ParquetWriter>;
    setRowGroupSize(rows: number): void;
    appendRow(row: Record<string, unknown>): Promise<void>;
    close(): Promise<void>;
  }
}
