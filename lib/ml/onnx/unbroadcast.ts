/**
 * unbroadcast(g, grad, target): sums `grad` (the gradient of a broadcast result) over the
 * axes along which `target` was broadcast, so the result has target's shape.
 *
 * Static path: when the ranks are known and every axis of target is decidable (a 1 that
 * grew, or the same dim as grad), it emits one ReduceSum over constant axes plus a
 * Squeeze of the leading axes. Otherwise the runtime path finds the axes from the
 * Shape ops: target's shape is left-padded with ones to grad's rank, the axes where it
 * is 1 are summed (keepdims), and the result reshaped to target's shape.
 */

import type { Graph, Value } from "./graph";
import { type Dim, sameDim, sameShape } from "./shape";

export function unbroadcast(g: Graph, grad: Value, target: Value): Value {
  if (sameShape(grad.shape, target.shape)) return grad;
  const gs = grad.shape;
  const ts = target.shape;
  if (gs && ts && gs.length >= ts.length) {
    const lead = gs.length - ts.length;
    const axes: number[] = [];
    for (let i = 0; i < lead; i++) axes.push(i);
    let decidable = true;
    for (let i = 0; i < ts.length; i++) {
      const td: Dim = ts[i];
      const gd: Dim = gs[lead + i];
      if (td === 1) {
        if (gd !== 1) axes.push(lead + i);
      } else if (sameDim(td, gd) || typeof td === "number") {
        // no broadcast along this axis (a static target dim > 1 cannot have grown)
      } else {
        decidable = false;
        break;
      }
    }
    if (decidable) {
      if (axes.length === 0) return grad;
      let r = g.reduceSum(grad, axes, true);
      if (lead > 0) r = g.squeeze(r, axes.slice(0, lead));
      return r;
    }
    // Leading axes are certain; the rest is decided at runtime.
    const reduced = lead > 0 ? g.reduceSum(grad, axes.slice(0, lead), false) : grad;
    return runtimeUnbroadcast(g, reduced, target, false);
  }
  return runtimeUnbroadcast(g, grad, target, true);
}

function runtimeUnbroadcast(g: Graph, grad: Value, target: Value, padRank: boolean): Value {
  let ts = g.shape(target);
  if (padRank) {
    const extra = g.sub(g.size(g.shape(grad)), g.size(ts));
    const ones = g.constantOfShape(g.unsqueeze(extra, [0]), 1, "int64");
    ts = g.concat([ones, ts], 0);
  }
  const axes = g.reshape(g.nonZero(g.equal(ts, 1)), [-1]);
  const summed = g.op1("ReduceSum", [grad, axes], { keepdims: 1, noop_with_empty_axes: 1 }, { shapes: [null] });
  return g.reshape(summed, g.shape(target));
}
