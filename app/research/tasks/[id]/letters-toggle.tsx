// Which letters the task's rankings are shown in: each annotator's own (default) or canonical.
import Link from "next/link";
import type { LetterScheme } from "@/lib/labeling/letters";

const OPTIONS: { value: LetterScheme; label: string }[] = [
  { value: "annotator", label: "as each annotator saw them" },
  { value: "canonical", label: "canonical (the cards above)" },
];

export function LettersToggle({ taskId, letters }: { taskId: number; letters: LetterScheme }) {
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="letters-toggle">
      <span className="text-slate-600">Letters:</span>
      {OPTIONS.map((o) =>
        o.value === letters ? (
          <span key={o.value} className="rounded bg-indigo-100 px-2 py-0.5 font-medium text-indigo-900" aria-current="true">
            {o.label}
          </span>
        ) : (
          <Link key={o.value} href={`/research/tasks/${taskId}?letters=${o.value}`} className="rounded px-2 py-0.5 text-indigo-700 underline">
            {o.label}
          </Link>
        ),
      )}
    </p>
  );
}
