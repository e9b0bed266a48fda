// gelu_new of (x + bias) as ONE onnxruntime op (com.microsoft FastGelu, the same tanh
// approximation), with a hand-derived gradient registered for autodiff. Used by the
// training graphs; the exported model.onnx keeps standard ops (see geluNew in gpt2.ts).
//
//   gelu_new(u) = 0.5 u (1 + tanh(k (u + a u³)))  = u · σ(2k (u + a u³)),  k = √(2/π), a = 0.044715
//   gelu_new'(u) = s + u s (1 − s) (2k + 6ka u²)  with  s = σ(2k (u + a u³))
import type { Graph, Value } from "../onnx";
import { gradientRules } from "../onnx/gradients";
import { unbroadcast } from "../onnx/unbroadcast";

const K = Math.sqrt(2 / Math.PI);
const A = 0.044715;
export const MS_DOMAIN = "com.microsoft";

/** FastGelu(x, bias) = gelu_new(x + bias); bias broadcasts along the last axis. */
export function fastGelu(g: Graph, x: Value, bias?: Value): Value {
  g.domains[MS_DOMAIN] = 1;
  return g.op1("FastGelu", [x, bias ?? null], {}, { domain: MS_DOMAIN, shapes: [x.shape] });
}

gradientRules.FastGelu = (g, node, dys, needs) => {
  const dy = dys[0];
  if (!dy) return [null, null];
  const x = node.inputs[0]!;
  const bias = node.inputs[1] ?? null;
  const u = bias ? g.add(x, bias) : x;
  const u2 = g.mul(u, u);
  const s = g.sigmoid(g.mul(u, g.add(g.mul(u2, 2 * K * A), 2 * K)));
  const slope = g.mul(u, g.add(g.mul(u2, 6 * K * A), 2 * K));
  const local = g.mul(s, g.add(g.mul(slope, g.sub(1, s)), 1));
  const dx = g.mul(dy, local);
  return [needs[0] ? dx : null, needs[1] && bias ? unbroadcast(g, dx, bias) : null];
};
