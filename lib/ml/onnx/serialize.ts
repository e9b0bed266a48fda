/**
 * Graph → ONNX ModelProto bytes, through the onnx-proto (protobufjs) generated schema.
 * Nodes that do not reach a graph output are dropped; params can be baked in as
 * initializers (for an inference export) instead of being graph inputs.
 */

import onnxProto from "onnx-proto";
import { ONNX_ELEM_TYPE, type DType, type TypedArray, toTypedArray } from "./dtype";
import type { AttrValue, ConstantData, Graph, Node, Value } from "./graph";
import type { Shape } from "./shape";

const { onnx } = onnxProto;

/** ONNX IR version written (IR 8 pairs with opset 18). */
export const IR_VERSION = 8;

export interface SerializeOptions {
  /** Params with a value here become initializers instead of graph inputs. */
  paramValues?: Readonly<Record<string, TypedArray>>;
  /** Write inferred shapes for graph outputs (default false: type only). */
  outputShapes?: boolean;
  /** Serialize only these outputs (default: graph.outputs()), e.g. a forward-only session. */
  outputs?: readonly Value[];
  /** Keep nodes that do not reach an output (default false). */
  keepDeadNodes?: boolean;
  producerName?: string;
  docString?: string;
}

export function tensorProto(name: string, c: ConstantData): InstanceType<typeof onnx.TensorProto> {
  const data = c.dtype === "bool" ? toTypedArray("uint8", c.data as Uint8Array) : c.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return onnx.TensorProto.create({
    name,
    dims: [...c.dims],
    dataType: ONNX_ELEM_TYPE[c.dtype],
    rawData: bytes,
  });
}

function valueInfo(v: Value, name: string, withShape: boolean): InstanceType<typeof onnx.ValueInfoProto> {
  const tensorType: { elemType: number; shape?: { dim: object[] } } = { elemType: ONNX_ELEM_TYPE[v.dtype] };
  if (withShape && v.shape) tensorType.shape = { dim: shapeDims(v.shape) };
  return onnx.ValueInfoProto.create({ name, type: { tensorType } });
}

function shapeDims(shape: Shape): object[] {
  return shape.map((d) => (typeof d === "number" ? { dimValue: d } : typeof d === "string" ? { dimParam: d } : {}));
}

function attributeProto(name: string, a: AttrValue): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case "int":
      return onnx.AttributeProto.create({ name, type: T.INT, i: a.value });
    case "float":
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.value });
    case "ints":
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: a.value });
    case "floats":
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: a.value });
    case "string":
      return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.value) });
    case "tensor":
      return onnx.AttributeProto.create({ name, type: T.TENSOR, t: tensorProto("", a.value) });
  }
}

/** Nodes whose outputs reach a graph output, in graph (topological) order. */
export function liveNodes(graph: Graph, outputs: readonly Value[] = graph.outputs()): Node[] {
  const live = new Uint8Array(graph.nodes.length);
  const stack: Value[] = [...outputs];
  const seen = new Set<Value>();
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const p = v.producer;
    if (!p || live[p.index]) continue;
    live[p.index] = 1;
    for (const i of p.inputs) if (i) stack.push(i);
  }
  return graph.nodes.filter((n) => live[n.index]);
}

export function serializeModel(graph: Graph, opts: SerializeOptions = {}): Uint8Array {
  const graphOutputs = opts.outputs ?? graph.outputs();
  if (graphOutputs.length === 0) throw new Error("toOnnx: the graph has no outputs");
  for (const o of graphOutputs) if (o.kind !== "node") throw new Error(`toOnnx: output "${o.name}" is a ${o.kind}; wrap it with identity()`);
  const nodes = opts.keepDeadNodes ? graph.nodes : liveNodes(graph, graphOutputs);
  const used = new Set<Value>();
  for (const n of nodes) for (const i of n.inputs) if (i) used.add(i);
  for (const o of graphOutputs) used.add(o);

  const paramValues = opts.paramValues ?? {};
  const inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  for (const v of graph.inputs()) inputs.push(valueInfo(v, v.name, true));
  for (const p of graph.params()) {
    const data = paramValues[p.name];
    if (data) {
      const dims = p.shape as number[];
      initializers.push(tensorProto(p.name, { dtype: p.dtype, dims, data: toTypedArray(p.dtype as DType, data as Float32Array) }));
    } else {
      inputs.push(valueInfo(p, p.name, true));
    }
  }
  for (const c of graph.constants()) if (used.has(c) && c.constant) initializers.push(tensorProto(c.name, c.constant));

  const nodeProtos = nodes.map((n) => {
    // Trailing optional outputs nobody reads could be dropped; we keep all declared outputs.
    const inputNames = n.inputs.map((i) => (i ? i.name : ""));
    while (inputNames.length && inputNames[inputNames.length - 1] === "") inputNames.pop();
    return onnx.NodeProto.create({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      input: inputNames,
      output: n.outputs.map((o) => o.name),
      attribute: Object.entries(n.attrs).map(([k, a]) => attributeProto(k, a)),
    });
  });

  const outputs = graphOutputs.map((o) => valueInfo(o, o.name, opts.outputShapes ?? false));
  const opsetImport = [{ domain: "", version: graph.opset }];
  for (const [domain, version] of Object.entries(graph.domains)) opsetImport.push({ domain, version });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: opts.producerName ?? "palate",
    docString: opts.docString ?? "",
    opsetImport,
    graph: onnx.GraphProto.create({
      name: graph.name,
      node: nodeProtos,
      input: inputs,
      output: outputs,
      initializer: initializers,
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}
