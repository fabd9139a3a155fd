/**
 * A facet split's counts as one flat table of cells and back. With a `group_variable`, the
 * cells are the groups' (8 per group: facet side d then the others a, each tp fp fn tn) and the
 * sides' totals are their sums, so a resampled table stays consistent for every metric.
 */
import type { Confusion, FacetSplitCounts } from "../metrics/counts.ts";

const CELLS_PER_SIDE = 4;

export function splitToCells(split: FacetSplitCounts): Float64Array {
  const parts = split.groups ?? [{ d: split.d, a: split.a }];
  const cells = new Float64Array(parts.length * 2 * CELLS_PER_SIDE);
  parts.forEach((part, g) => {
    writeConfusion(cells, g * 8, part.d);
    writeConfusion(cells, g * 8 + 4, part.a);
  });
  return cells;
}

export function cellsToSplit(cells: Float64Array, grouped: boolean): FacetSplitCounts {
  if (!grouped) return { d: readConfusion(cells, 0), a: readConfusion(cells, 4) };
  const groups: { d: Confusion; a: Confusion }[] = [];
  const d = [0, 0, 0, 0];
  const a = [0, 0, 0, 0];
  for (let at = 0; at < cells.length; at += 8) {
    groups.push({ d: readConfusion(cells, at), a: readConfusion(cells, at + 4) });
    for (let k = 0; k < 4; k++) {
      d[k] = (d[k] as number) + (cells[at + k] as number);
      a[k] = (a[k] as number) + (cells[at + 4 + k] as number);
    }
  }
  return { d: fromArray(d), a: fromArray(a), groups };
}

function writeConfusion(cells: Float64Array, at: number, c: Confusion): void {
  cells[at] = c.tp;
  cells[at + 1] = c.fp;
  cells[at + 2] = c.fn;
  cells[at + 3] = c.tn;
}

function readConfusion(cells: Float64Array, at: number): Confusion {
  return {
    tp: cells[at] as number,
    fp: cells[at + 1] as number,
    fn: cells[at + 2] as number,
    tn: cells[at + 3] as number,
  };
}

function fromArray(c: number[]): Confusion {
  return { tp: c[0] as number, fp: c[1] as number, fn: c[2] as number, tn: c[3] as number };
}
