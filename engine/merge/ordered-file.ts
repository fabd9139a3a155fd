import type { PartialCounts, PartialFile } from "../../contracts/partial-counts.ts";

/** A dataset file of some host, with where its host file lists it: the merges take them in the dataset's file order. */
export interface OrderedFile {
  readonly partial: PartialCounts;
  /** Its index in the host file's `files`. */
  readonly index: number;
  readonly entry: PartialFile;
}
