// The project's agreement in three figures: Krippendorff's α (ordinal, interval) and the mean
// Kendall's τ-b between annotators, each with its 95% bootstrap interval and what it rests on.
import type { ProjectAgreement } from "@/lib/quality/project-agreement";
import type { Estimate } from "@/lib/quality/ranking-agreement";
import { EstimateText } from "./estimate";

function Figure({ label, estimate, hint, testId }: { label: string; estimate: Estimate; hint: string; testId: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white p-3">
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-lg">
        <EstimateText estimate={estimate} testId={testId} />
      </dd>
      <dd className="text-xs text-slate-500">{hint}</dd>
    </div>
  );
}

export function AgreementSummary({ report }: { report: ProjectAgreement }) {
  const { alpha, kendallTauB, bootstrap } = report;
  const over = `${alpha.tasks} tasks ranked by two or more, ${alpha.units} completions`;
  return (
    <section className="flex flex-col gap-2" aria-label="Agreement">
      <h2 className="text-lg font-medium">Agreement</h2>
      <p className="max-w-3xl text-sm text-slate-600">
        A unit is one completion of a task; an annotator&apos;s value is its rank (1 = best, tied completions share the mean of the positions they span). α is 1
        for perfect agreement and 0 for agreement by chance. Intervals are 95% percentile bootstrap intervals over tasks
        {bootstrap.resamples > 0 ? ` (${bootstrap.resamples} resamples of ${bootstrap.tasks} tasks, seed ${bootstrap.seed})` : " (none: too few tasks)"}.
      </p>
      <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-3">
        <Figure label="Krippendorff's α (ordinal)" estimate={alpha.ordinal} hint={over} testId="alpha-ordinal" />
        <Figure label="Krippendorff's α (interval)" estimate={alpha.interval} hint={over} testId="alpha-interval" />
        <Figure
          label="Mean Kendall's τ-b"
          estimate={kendallTauB.mean}
          hint={`${kendallTauB.comparisons} pairs of rankings on ${kendallTauB.tasks} tasks`}
          testId="mean-tau-b"
        />
      </dl>
    </section>
  );
}
