/**
 * Reverse-mode autodiff over a Graph: backward(g, loss, wrt) appends the gradient nodes
 * and returns d(loss)/d(w) for each w, in order.
 *
 * Only nodes that lie between `wrt` and `loss` are differentiated; gradients flow only
 * through float values (int/bool paths, Shape ops and stopGradient() are leaves). When a
 * value feeds several nodes its gradient contributions are summed with one Sum node.
 * A `wrt` value that does not reach the loss gets zeros. The per-op rules live in
 * ./gradients (`gradientRules`, extensible).
 */

import { isFloat } from "./dtype";
import { type Graph, type Node, type Value, stopGradientNodes } from "./graph";
import { gradientRules } from "./gradients";
import { fmtShape, isStatic, numel } from "./shape";

export interface BackwardOptions {
  /** Gradient of the loss itself (default: ones shaped like loss). */
  seed?: Value;
}

export function backward(g: Graph, loss: Value, wrt: readonly Value[], opts: BackwardOptions = {}): Value[] {
  if (!isFloat(loss.dtype)) throw new Error(`backward: loss ${loss} is not a float tensor`);
  for (const w of wrt) {
    if (w.graph !== g) throw new Error(`backward: ${w.name} belongs to another graph`);
    if (!isFloat(w.dtype)) throw new Error(`backward: cannot differentiate with respect to ${w} (not float)`);
  }

  // Values that depend on some w (forward pass over the node list, which is topological).
  const nodesBefore = g.nodes.length;
  const requires = new Set<Value>(wrt);
  for (let i = 0; i < nodesBefore; i++) {
    const n = g.nodes[i];
    if (stopGradientNodes.has(n)) continue;
    if (!n.inputs.some((v) => v && requires.has(v))) continue;
    for (const o of n.outputs) if (isFloat(o.dtype)) requires.add(o);
  }
  // Nodes on a path to the loss (backward reachability).
  const onPath = new Uint8Array(nodesBefore);
  const stack: Value[] = [loss];
  const seen = new Set<Value>();
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v) || !requires.has(v)) continue;
    seen.add(v);
    const p = v.producer;
    if (!p || p.index >= nodesBefore || onPath[p.index]) continue;
    onPath[p.index] = 1;
    for (const i of p.inputs) if (i) stack.push(i);
  }

  const contributions = new Map<Value, Value[]>();
  const total = new Map<Value, Value>();
  const add = (v: Value, grad: Value): void => {
    const l = contributions.get(v);
    if (l) l.push(grad);
    else contributions.set(v, [grad]);
  };
  const gradOf = (v: Value): Value | null => {
    const t = total.get(v);
    if (t) return t;
    const l = contributions.get(v);
    if (!l) return null;
    const s = g.sum(l);
    total.set(v, s);
    return s;
  };

  add(loss, opts.seed ?? onesLike(g, loss));

  for (let i = nodesBefore - 1; i >= 0; i--) {
    if (!onPath[i]) continue;
    const node: Node = g.nodes[i];
    const dys = node.outputs.map((o) => (requires.has(o) ? gradOf(o) : null));
    if (dys.every((d) => d === null)) continue;
    const needs = node.inputs.map((v) => !!v && requires.has(v));
    const rule = gradientRules[node.opType];
    if (!rule) throw new Error(`backward: no gradient rule for ${node.opType} (node ${node.name})`);
    const dxs = rule(g, node, dys, needs);
    node.inputs.forEach((x, j) => {
      const dx = dxs[j];
      if (!x || !needs[j] || !dx) return;
      check(node, x, dx);
      add(x, dx);
    });
  }

  return wrt.map((w) => gradOf(w) ?? g.zerosLike(w));
}

function onesLike(g: Graph, v: Value): Value {
  if (isStatic(v.shape) && numel(v.shape)! <= 16) return g.constant(new Array(numel(v.shape)!).fill(1), v.shape, v.dtype);
  return g.constantOfShape(g.shape(v), 1, v.dtype);
}

function check(node: Node, x: Value, dx: Value): void {
  if (dx.dtype !== x.dtype) throw new Error(`backward: ${node.opType} rule gave a ${dx.dtype} gradient for ${x} (node ${node.name})`);
  if (isStatic(x.shape) && isStatic(dx.shape)) {
    const ok = x.shape.length === dx.shape.length && x.shape.every((d, i) => d === dx.shape![i]);
    if (!ok) throw new Error(`backward: ${node.opType} rule gave gradient shape ${fmtShape(dx.shape)} for ${x} (node ${node.name})`);
  }
}
