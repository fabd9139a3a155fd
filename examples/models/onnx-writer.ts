/**
 * Writes small ONNX models (protobuf bytes) by hand, so the project's test and example models
 * are generated from code in the repository, never downloaded. Only the few ONNX messages a
 * feed-forward graph needs are encoded: ModelProto, GraphProto, NodeProto, TensorProto,
 * ValueInfoProto (field numbers from onnx.proto).
 */

type Bytes = number[];

function varint(out: Bytes, value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function key(out: Bytes, field: number, wire: 0 | 2 | 5): void {
  varint(out, field * 8 + wire);
}

function int(out: Bytes, field: number, value: number): void {
  key(out, field, 0);
  varint(out, value);
}

function bytes(out: Bytes, field: number, value: Bytes | Uint8Array): void {
  key(out, field, 2);
  varint(out, value.length);
  for (const b of value) out.push(b);
}

function text(out: Bytes, field: number, value: string): void {
  bytes(out, field, Array.from(Buffer.from(value, "utf8")));
}

function message(out: Bytes, field: number, build: (inner: Bytes) => void): void {
  const inner: Bytes = [];
  build(inner);
  bytes(out, field, inner);
}

const FLOAT = 1;
const ATTRIBUTE_INT = 2;

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly intAttributes?: Readonly<Record<string, number>>;
}

export interface OnnxGraph {
  readonly input: { readonly name: string; readonly features: number };
  readonly output: { readonly name: string; readonly shape: readonly (number | "batch")[] };
  /** Float constants: name → dims and values. */
  readonly initializers: Readonly<Record<string, { dims: readonly number[]; values: readonly number[] }>>;
  readonly nodes: readonly OnnxNode[];
}

function valueInfo(out: Bytes, field: number, name: string, shape: readonly (number | "batch")[]): void {
  message(out, field, (info) => {
    text(info, 1, name);
    message(info, 2, (type) =>
      message(type, 1, (tensor) => {
        int(tensor, 1, FLOAT);
        message(tensor, 2, (dims) => {
          for (const dim of shape) {
            message(dims, 1, (d) => (dim === "batch" ? text(d, 2, "batch") : int(d, 1, dim)));
          }
        });
      }),
    );
  });
}

/** The bytes of an ONNX model (IR version 8, default opset 13) computing `graph`. */
export function onnxModel(graph: OnnxGraph): Uint8Array {
  const model: Bytes = [];
  int(model, 1, 8);
  text(model, 2, "clarify-pipeline");
  message(model, 7, (g) => {
    graph.nodes.forEach((node, i) => {
      message(g, 1, (n) => {
        for (const input of node.inputs) text(n, 1, input);
        for (const output of node.outputs) text(n, 2, output);
        text(n, 3, `node${i}`);
        text(n, 4, node.op);
        for (const [name, value] of Object.entries(node.intAttributes ?? {})) {
          message(n, 5, (a) => {
            text(a, 1, name);
            int(a, 3, value);
            int(a, 20, ATTRIBUTE_INT);
          });
        }
      });
    });
    text(g, 2, "graph");
    for (const [name, tensor] of Object.entries(graph.initializers)) {
      message(g, 5, (t) => {
        for (const dim of tensor.dims) int(t, 1, dim);
        int(t, 2, FLOAT);
        text(t, 8, name);
        const raw = Buffer.alloc(tensor.values.length * 4);
        for (const [i, v] of tensor.values.entries()) raw.writeFloatLE(v, i * 4);
        bytes(t, 9, raw);
      });
    }
    valueInfo(g, 11, graph.input.name, ["batch", graph.input.features]);
    valueInfo(g, 12, graph.output.name, graph.output.shape);
  });
  message(model, 8, (opset) => {
    text(opset, 1, "");
    int(opset, 2, 13);
  });
  return Uint8Array.from(model);
}

/** p = sigmoid(x·w + b), output [batch, 1]. */
export function logisticRegression(weights: readonly number[], bias: number): Uint8Array {
  return onnxModel({
    input: { name: "features", features: weights.length },
    output: { name: "probability", shape: ["batch", 1] },
    initializers: { w: { dims: [weights.length, 1], values: weights }, b: { dims: [1], values: [bias] } },
    nodes: [
      { op: "MatMul", inputs: ["features", "w"], outputs: ["z0"] },
      { op: "Add", inputs: ["z0", "b"], outputs: ["z"] },
      { op: "Sigmoid", inputs: ["z"], outputs: ["probability"] },
    ],
  });
}

/** A one-hidden-layer tanh network with a softmax over `classes` outputs, [batch, classes]. */
export function multilayerPerceptron(
  layer1: { w: number[][]; b: number[] },
  layer2: { w: number[][]; b: number[] },
): Uint8Array {
  const features = layer1.w.length;
  const hidden = layer1.b.length;
  const classes = layer2.b.length;
  return onnxModel({
    input: { name: "features", features },
    output: { name: "scores", shape: ["batch", classes] },
    initializers: {
      w1: { dims: [features, hidden], values: layer1.w.flat() },
      b1: { dims: [hidden], values: layer1.b },
      w2: { dims: [hidden, classes], values: layer2.w.flat() },
      b2: { dims: [classes], values: layer2.b },
    },
    nodes: [
      { op: "Gemm", inputs: ["features", "w1", "b1"], outputs: ["h0"] },
      { op: "Tanh", inputs: ["h0"], outputs: ["h"] },
      { op: "Gemm", inputs: ["h", "w2", "b2"], outputs: ["logits"] },
      { op: "Softmax", inputs: ["logits"], outputs: ["scores"], intAttributes: { axis: 1 } },
    ],
  });
}
