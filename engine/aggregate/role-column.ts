/**
 * How a message names the column a config role reads (`the facet column "sex"`), so that every
 * refusal about a label, predicted label or facet column names it alike, by its name in the
 * config (or the dataset's header, when the caller has it) rather than by its place in the config.
 */
import type { BiasConfig } from "../config/analysis-config.ts";

/** A column matched against configured values: the label, the predicted label or facet i. */
export type MatchedRole = "label" | "predicted_label" | `facet:${number}`;

/** The config's names of the columns each role reads. */
export type RoleColumns = Pick<BiasConfig, "label" | "predictedLabel" | "facets">;

/** `label column "y"`, `predicted label column "p"`, `facet column "sex"`. */
export function namedColumn(kind: "label" | "predicted label" | "facet", name: string | number): string {
  return `${kind} column ${quotedColumn(name)}`;
}

/**
 * A column's name (or index) in quotes, as namedColumn quotes it, where a message names the column
 * without its role's words (a header, an excluded column, `facet "sex" value_or_threshold`): a name
 * holding quotes or a line break stays one token.
 */
export function quotedColumn(name: string | number): string {
  return JSON.stringify(String(name));
}

/** The column of a role, as the config names it, and the config field holding its values. */
export function roleColumn(config: RoleColumns, role: MatchedRole): { column: string; field: string } {
  const field = "label_values_or_threshold";
  if (role === "label") return { column: `the ${namedColumn("label", config.label)}`, field };
  if (role === "predicted_label") {
    return { column: `the ${namedColumn("predicted label", config.predictedLabel ?? "")}`, field };
  }
  const index = Number(role.slice("facet:".length));
  return {
    column: `the ${namedColumn("facet", config.facets[index]?.nameOrIndex ?? index)}`,
    field: `facet[${index}].value_or_threshold`,
  };
}
