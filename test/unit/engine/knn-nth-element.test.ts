import { describe, expect, it } from "vitest";
import { nthElement } from "../../../engine/metrics/knn/nth-element.ts";

/** scikit-learn's k-d tree order: by value, equal values by index. */
const byValueThenIndex = (values: readonly number[]) => (a: number, b: number) =>
  values[a] === values[b] ? a < b : (values[a] as number) < (values[b] as number);

function select(values: readonly number[], nth: number, less = byValueThenIndex(values)): number[] {
  const items = Int32Array.from(values, (_, i) => i);
  nthElement(items, 0, nth, items.length, less);
  return Array.from(items);
}

// Expected orders are those GCC 12's libstdc++ std::nth_element leaves for the same input and
// comparator (the first ones traced by hand below as well).
describe("nthElement", () => {
  it("sorts three elements by insertion, equal values by index", () => {
    // Prepare: (value, index) order is 1@1, 1@2, 2@0
    const values = [2, 1, 1];
    // Act
    const order = select(values, 1);
    // Assess
    expect(order).toEqual([1, 2, 0]);
  });

  it("leaves libstdc++'s order on ten equal values, not the sorted one", () => {
    // Prepare: partition around the median of rows 1, 5, 9 (row 5, moved first), cut at 6; then
    // around the median of 1, 3, 0 (row 1), which swaps rows 5 and 0, cut at 2; then [2, 5) sorted.
    const values = new Array<number>(10).fill(0);
    // Act
    const order = select(values, 3);
    // Assess
    expect(order).toEqual([1, 0, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("matches libstdc++ on twelve values of three levels, by value then index and by value only", () => {
    // Prepare
    const values = [3, 1, 3, 1, 2, 2, 3, 1, 1, 2, 3, 3];
    // Act
    const tieBroken = select(values, 6);
    const valueOnly = select(values, 6, (a, b) => (values[a] as number) < (values[b] as number));
    // Assess
    expect(tieBroken).toEqual([5, 1, 8, 3, 4, 7, 9, 0, 2, 6, 10, 11]);
    expect(valueOnly).toEqual([9, 1, 8, 3, 7, 5, 4, 11, 0, 10, 6, 2]);
  });

  it("falls back to libstdc++'s heap selection when partitions keep going wrong", () => {
    // Prepare: an input built against median-of-three pivots; 20 elements allow 2·⌊log2 20⌋ = 8
    // partitions before __introselect switches to __heap_select
    const values = [15, 1, 11, 3, 18, 5, 13, 7, 16, 9, 0, 2, 4, 6, 8, 10, 12, 14, 17, 20];
    // Act
    const order = select(values, 18);
    // Assess
    expect(order).toEqual([1, 10, 3, 11, 5, 12, 7, 13, 9, 14, 2, 15, 6, 16, 0, 17, 18, 8, 4, 19]);
    expect(values[order[18] as number]).toBe(18);
  });

  it("works on a sub-range and leaves the rest untouched", () => {
    // Prepare
    const values = [9, 4, 4, 4, 0, 9];
    const items = Int32Array.from(values, (_, i) => i);
    // Act
    nthElement(items, 1, 2, 5, byValueThenIndex(values));
    // Assess
    expect(items[0]).toBe(0);
    expect(items[5]).toBe(5);
    expect(values[items[2] as number]).toBe(4);
    expect(Array.from(items.subarray(1, 5)).sort()).toEqual([1, 2, 3, 4]);
  });
});
