// What a job published under a name (job_outputs), shown on its page and refreshed while it runs.
// Each kind's known outputs have a view here (a PPO or GRPO run's latest evaluation: the sample table);
// any other output is shown as JSON.
import type { ReactNode } from "react";
import { parseGrpoEvaluation } from "@/lib/grpo/evaluation";
import { PPO_JOB_KIND } from "@/lib/ppo/job-params";
import { parsePpoEvaluation } from "@/lib/ppo/evaluation";
import { GrpoEvaluationView } from "./grpo-evaluation";
import { PpoEvaluationView } from "./ppo-evaluation";

interface OutputView {
  title: string;
  /** The view, or null when the value is not of the expected shape (then it is shown as JSON). */
  render: (value: unknown) => ReactNode | null;
}

const OUTPUT_VIEWS: Record<string, Record<string, OutputView>> = {
  [PPO_JOB_KIND]: {
    evaluation: {
      title: "Latest evaluation",
      render: (value) => {
        const evaluation = parsePpoEvaluation(value);
        return evaluation && <PpoEvaluationView evaluation={evaluation} />;
      },
    },
  },
  // GRPO_JOB_KIND (lib/grpo/job-params.ts reaches server-only code; this runs in the browser).
  grpo: {
    evaluation: {
      title: "Latest evaluation",
      render: (value) => {
        const evaluation = parseGrpoEvaluation(value);
        return evaluation && <GrpoEvaluationView evaluation={evaluation} />;
      },
    },
  },
};

export function JobOutputs({ kind, outputs }: { kind: string; outputs: Record<string, { value: unknown; updatedAt: number }> }) {
  const entries = Object.entries(outputs);
  if (entries.length === 0) return null;
  return (
    <>
      {entries.map(([name, { value }]) => {
        const view = OUTPUT_VIEWS[kind]?.[name];
        const rendered = view?.render(value) ?? null;
        return (
          <section key={name} className="flex flex-col gap-2" aria-label={view?.title ?? name} data-testid={`job-output-${name}`}>
            <h2 className="text-lg font-medium">{view?.title ?? name}</h2>
            {rendered ?? (
              <>
                {view && <p className="text-sm text-amber-700">This output is not in the expected form; shown as published.</p>}
                <pre className="max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(value, null, 2)}</pre>
              </>
            )}
          </section>
        );
      })}
    </>
  );
}
