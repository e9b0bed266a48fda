"use client";

// Gold tasks and review for a project (admin): the gold share, the pause rule and the review
// queue's agreement threshold (PATCH /api/projects/[id]), and a gold file's lines pasted or
// chosen from disk (POST /api/projects/[id]/gold, all or nothing; the error names the line).
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Project } from "@/lib/projects";
import { callApi } from "@/app/components/api-client";

export function GoldReviewForm({ project, goldTasks }: { project: Project; goldTasks: number }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [lines, setLines] = useState("");

  async function saveSettings(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const res = await callApi(`/api/projects/${project.id}`, "PATCH", {
      goldShare: Number(form.get("goldShare")),
      goldAccuracyThreshold: Number(form.get("goldAccuracyThreshold")),
      goldMinAnswers: Number(form.get("goldMinAnswers")),
      reviewAgreementThreshold: Number(form.get("reviewAgreementThreshold")),
    });
    setMessage(res.ok ? { ok: true, text: "Saved." } : { ok: false, text: res.error });
    if (res.ok) router.refresh();
  }

  async function uploadGold(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    let parsed: unknown[];
    try {
      parsed = lines
        .split(/\r?\n/)
        .map((l, i) => ({ l: l.trim(), i }))
        .filter(({ l }) => l !== "")
        .map(({ l, i }) => {
          try {
            return JSON.parse(l) as unknown;
          } catch {
            throw new Error(`line ${i + 1}: not valid JSON`);
          }
        });
    } catch (err) {
      return setMessage({ ok: false, text: (err as Error).message });
    }
    const res = await callApi<{ marked: number; unmarked: number }>(`/api/projects/${project.id}/gold`, "POST", { lines: parsed });
    setMessage(res.ok ? { ok: true, text: `Marked ${res.data.marked} gold tasks, unmarked ${res.data.unmarked}.` } : { ok: false, text: res.error });
    if (res.ok) router.refresh();
  }

  const field = "w-24 rounded border border-slate-300 px-2 py-1";
  return (
    <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="gold-review-form">
      <form onSubmit={saveSettings} className="flex flex-wrap items-end gap-3" aria-label="Gold and review settings">
        <label className="flex flex-col gap-1 text-sm">
          Gold share (0–1)
          <input name="goldShare" type="number" step="0.01" min={0} max={1} defaultValue={project.goldShare} className={field} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Pause below accuracy (0–1)
          <input name="goldAccuracyThreshold" type="number" step="0.01" min={0} max={1} defaultValue={project.goldAccuracyThreshold} className={field} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          …after gold answers
          <input name="goldMinAnswers" type="number" min={1} defaultValue={project.goldMinAnswers} className={field} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Review below agreement (0–1)
          <input name="reviewAgreementThreshold" type="number" step="0.01" min={0} max={1} defaultValue={project.reviewAgreementThreshold} className={field} />
        </label>
        <button type="submit" className="rounded bg-indigo-600 px-3 py-1 text-sm text-white">
          Save
        </button>
      </form>
      <form onSubmit={uploadGold} className="flex flex-col gap-2" aria-label="Gold file">
        <p className="text-sm text-slate-600">
          {goldTasks} gold tasks. Paste a gold file (JSONL; see <code>palate gold --help</code>), e.g. <code>{'{"external_id": "q-7", "first": 0}'}</code> or{" "}
          <code>{'{"task_id": 42, "ranking": [[1], [0, 2], [3]]}'}</code>.
        </p>
        <input
          type="file"
          accept=".jsonl,.json,.txt"
          aria-label="Gold file"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setLines(await file.text());
          }}
          className="text-sm"
        />
        <textarea
          value={lines}
          onChange={(e) => setLines(e.target.value)}
          rows={4}
          name="goldLines"
          aria-label="Gold lines"
          className="rounded border border-slate-300 p-2 font-mono text-xs"
        />
        <button type="submit" className="self-start rounded bg-indigo-600 px-3 py-1 text-sm text-white">
          Apply gold file
        </button>
      </form>
      {message && (
        <p className={`text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`} role="status">
          {message.text}
        </p>
      )}
    </div>
  );
}
