"use client";
// The task list's search, filters and sort as a form whose state lives in the URL: submitting
// (Enter, Apply, or changing a menu or checkbox) navigates to the list with the form's values as
// query parameters — shareable, kept on reload, undone by Back. Empty fields and defaults stay
// out of the URL; paging starts over. Without JavaScript it is a plain GET form to the same page.
import { useRouter } from "next/navigation";
import Link from "next/link";
import type { FormEvent } from "react";
import { FLAGS } from "@/db/schema";
import { TASK_SORT_LABELS, TASK_SORTS, TASK_STATUS_LABELS, TASK_STATUSES, taskQueryParams, type TaskQuery } from "@/lib/labeling/task-filter";

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

export function TaskFilters({ query, path, models, rounds }: { query: TaskQuery; path: string; models: string[]; rounds: number[] }) {
  const router = useRouter();
  const current = taskQueryParams({ ...query, offset: 0 }).toString();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(event.currentTarget)) {
      if (typeof value === "string" && value.trim() !== "" && !(key === "sort" && value === "oldest")) params.set(key, value.trim());
    }
    const qs = params.toString();
    router.push(`${path}${qs ? `?${qs}` : ""}#tasks`, { scroll: false });
  }
  const apply = (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) => event.currentTarget.form?.requestSubmit();

  return (
    // Keyed by the query, so Back and Forward show the fields of the list they bring back.
    <form key={current} method="get" action={path} onSubmit={submit} className="flex flex-wrap items-end gap-3 text-sm" role="search" aria-label="Filter tasks">
      <label className="flex flex-col gap-1">
        <span className="text-slate-600">Search prompts and completions</span>
        <input type="search" name="q" defaultValue={query.q ?? ""} maxLength={200} placeholder="text to find" className={`${field} w-64`} />
      </label>
      <Select
        label="Flagged"
        name="flag"
        value={query.flag}
        onChange={apply}
        options={[["any", "any flag"], ...FLAGS.map((f) => [f, f.replace(/_/g, " ")] as const)]}
      />
      <Select label="Status" name="status" value={query.status} onChange={apply} options={TASK_STATUSES.map((s) => [s, TASK_STATUS_LABELS[s]] as const)} />
      {models.length > 0 && <Select label="Model" name="model" value={query.model} onChange={apply} options={models.map((m) => [m, m] as const)} />}
      {rounds.length > 1 && (
        <Select label="Round" name="round" value={query.round?.toString()} onChange={apply} options={rounds.map((r) => [String(r), `round ${r}`] as const)} />
      )}
      <Fraction label="Agreement below" name="agreementBelow" value={query.agreementBelow} />
      <Fraction label="Agreement above" name="agreementAbove" value={query.agreementAbove} />
      <fieldset className="flex flex-col gap-1">
        <legend className="sr-only">Rankings</legend>
        <Check label="None acceptable" name="none" checked={query.none === true} onChange={apply} />
        <Check label="Edited rankings" name="edited" checked={query.edited === true} onChange={apply} />
      </fieldset>
      <label className="flex flex-col gap-1">
        <span className="text-slate-600">Sort</span>
        <select name="sort" defaultValue={query.sort} onChange={apply} className={field}>
          {TASK_SORTS.map((s) => (
            <option key={s} value={s}>
              {TASK_SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      {query.limit !== 50 && <input type="hidden" name="limit" value={query.limit} />}
      <button type="submit" className="rounded bg-indigo-600 px-3 py-1 font-medium text-white hover:bg-indigo-700">
        Apply
      </button>
      <Link href={`${path}#tasks`} scroll={false} className="py-1 text-indigo-700 underline">
        Clear
      </Link>
    </form>
  );
}

type Change = (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) => void;

function Select({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value?: string;
  options: readonly (readonly [string, string])[];
  onChange: Change;
}) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-slate-600">{label}</span>
      <select name={name} defaultValue={value ?? ""} onChange={onChange} className={field}>
        <option value="">all</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function Fraction({ label, name, value }: { label: string; name: string; value?: number }) {
  return (
    <label className="flex flex-col gap-1" title="pairwise agreement between the task's annotators, 0 to 1 (tasks ranked by fewer than two never match)">
      <span className="text-slate-600">{label}</span>
      <input type="number" name={name} min={0} max={1} step={0.05} defaultValue={value ?? ""} placeholder="0–1" className={`${field} w-24`} />
    </label>
  );
}

function Check({ label, name, checked, onChange }: { label: string; name: string; checked: boolean; onChange: Change }) {
  return (
    <label className="flex items-center gap-1.5">
      <input type="checkbox" name={name} value="1" defaultChecked={checked} onChange={onChange} />
      {label}
    </label>
  );
}
