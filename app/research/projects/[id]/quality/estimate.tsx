// A figure with its 95% interval, as the quality page prints it: "0.812 [0.790, 0.833]".
import type { Estimate } from "@/lib/quality/ranking-agreement";

/** `x` to `digits` decimals, without the sign of a value that rounds to zero ("0.00", not "-0.00"). */
export function fixed(x: number | null, digits: number): string {
  if (x === null) return "—";
  const text = x.toFixed(digits);
  return /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

export const fixed3 = (x: number | null) => fixed(x, 3);

export function EstimateText({ estimate, testId }: { estimate: Estimate; testId?: string }) {
  return (
    <span data-testid={testId}>
      <span className="font-mono">{fixed3(estimate.value)}</span>
      {estimate.low !== null && estimate.high !== null && (
        <span className="font-mono text-xs text-slate-500">
          {" "}
          [{fixed3(estimate.low)}, {fixed3(estimate.high)}]
        </span>
      )}
    </span>
  );
}
