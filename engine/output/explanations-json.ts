/** The `explanations` part of Clarify's analysis.json. */
export interface ExplanationsJson {
  /** Keyed by label: `label_headers[i]`, or `label<i>` without label_headers. */
  readonly kernel_shap?: Readonly<Record<string, KernelShapLabel>>;
  readonly pdp?: readonly PdpEntry[];
}

export interface KernelShapLabel {
  readonly global_shap_values: Readonly<Record<string, number>>;
  readonly expected_value: number;
}

export interface PdpEntry {
  readonly feature_name: string;
  readonly data_type: "numerical" | "categorical";
  readonly feature_values: readonly (number | string)[];
  readonly data_distribution: readonly number[];
  /** One curve per label, in label_headers order. */
  readonly model_predictions: readonly (readonly number[])[];
  readonly label_headers: readonly string[];
}
