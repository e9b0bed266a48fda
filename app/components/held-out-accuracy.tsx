// A reward model's held-out accuracy as every page shows it: the share with its Wilson 95%
// interval, the pairs and prompts it rests on, and — below lib/reward/held-out.ts's minimums — a
// warning. Never a bare percentage. No hooks (server or client).
import type { HeldOutAccuracy } from "@/lib/reward/held-out";
import { PAIR_MEANING } from "@/lib/reward/metric-glossary";
import { percentWithInterval } from "./reward-model-info";

function count(n: number, word: string): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${word}${n === 1 ? "" : "s"}`;
}

/** "8.3% [1.5%, 35.4%] on 12 pairs of 1 prompt". */
export function heldOutAccuracyLine(h: HeldOutAccuracy): string {
  const prompts = h.prompts !== null ? ` of ${count(h.prompts, "prompt")}` : h.atMostPrompts !== null ? ` of ≤ ${count(h.atMostPrompts, "prompt")}` : "";
  return `${percentWithInterval(h.accuracy, h.interval)} on ${count(h.pairs, "pair")}${prompts}`;
}

export function HeldOutAccuracyView({ heldOut, compact = false }: { heldOut: HeldOutAccuracy | null; compact?: boolean }) {
  if (!heldOut) return <span className="text-slate-500">no held-out accuracy</span>;
  return (
    <span className="inline-flex flex-col gap-0.5" data-testid="held-out-accuracy">
      <span title={`95% Wilson interval in brackets. ${PAIR_MEANING}`}>{heldOutAccuracyLine(heldOut)}</span>
      {heldOut.warning && (
        <span role="note" className="text-xs text-amber-800" data-testid="small-eval-warning">
          {compact ? "⚠ too few held-out pairs or prompts to trust" : `⚠ ${heldOut.warning}`}
        </span>
      )}
    </span>
  );
}
