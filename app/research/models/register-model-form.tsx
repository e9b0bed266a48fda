"use client";

// Registers a model through POST /api/models: a Palate model directory, or an OpenAI-compatible
// endpoint (base URL, remote model name, which API — chat or plain completions — and an
// optional API key that is never shown again).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/app/components/api-client";

type Source = "palate" | "openai";

export function RegisterModelForm({ models }: { models: { id: number; name: string }[] }) {
  const router = useRouter();
  const [source, setSource] = useState<Source>("palate");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    const parent = text("parentId");
    const common = {
      name: text("name"),
      kind: text("kind"),
      ...(text("description") ? { description: text("description") } : {}),
      ...(parent ? { parentId: Number(parent) } : {}),
    };
    const body =
      source === "palate"
        ? { ...common, source, path: text("path") }
        : {
            ...common,
            source,
            baseUrl: text("baseUrl"),
            remoteModel: text("remoteModel"),
            ...(text("apiKey") ? { apiKey: text("apiKey") } : {}),
            ...(text("endpoint") === "completions" ? { metadata: { endpoint: "completions" } } : {}),
          };
    setPending(true);
    const res = await callApi<{ model: { name: string } }>("/api/models", "POST", body);
    setPending(false);
    if (res.ok) {
      setStatus({ ok: true, text: `Registered ${res.data.model.name}.` });
      form.reset();
      router.refresh();
    } else {
      setStatus({ ok: false, text: res.error });
    }
  }

  const input = "rounded border border-slate-300 px-2 py-1";
  return (
    <form onSubmit={onSubmit} aria-label="Register a model" className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input name="name" required className={input} placeholder="my-sft-v2" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Kind
          <select name="kind" defaultValue="policy" className={input}>
            <option value="policy">policy</option>
            <option value="reward">reward</option>
            <option value="reference">reference</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Source
          <select name="source" value={source} onChange={(e) => setSource(e.target.value as Source)} className={input}>
            <option value="palate">Palate model directory</option>
            <option value="openai">OpenAI-compatible endpoint</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Parent
          <select name="parentId" defaultValue="" className={input}>
            <option value="">none</option>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {source === "palate" ? (
        <label className="flex flex-col gap-1 text-sm">
          Directory (absolute, or relative to the Palate folder)
          <input name="path" required className={`${input} font-mono`} placeholder="models/default-sft" />
        </label>
      ) : (
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1 text-sm">
            Base URL
            <input name="baseUrl" type="url" required className={`${input} w-80 font-mono`} placeholder="http://127.0.0.1:8000/v1" />
          </label>
          <label className="flex flex-col gap-1 text-sm">
            Model name
            <input name="remoteModel" required className={`${input} font-mono`} placeholder="meta-llama/Llama-3.2-1B-Instruct" />
          </label>
          <label className="flex flex-col gap-1 text-sm">
            Which API
            <select name="endpoint" defaultValue="chat" className={input}>
              <option value="chat">/v1/chat/completions (messages)</option>
              <option value="completions">/v1/completions (chat template rendered here)</option>
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm">
            API key (optional)
            <input name="apiKey" type="password" autoComplete="off" className={input} />
            <span className="text-xs text-slate-500">Stored encrypted; or write env:NAME to read it from the server&apos;s environment variable NAME when used.</span>
          </label>
        </div>
      )}
      <label className="flex flex-col gap-1 text-sm">
        Description (optional)
        <input name="description" className={input} />
      </label>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
          {pending ? "Registering…" : "Register model"}
        </button>
        {status && (
          <p role={status.ok ? "status" : "alert"} className={`text-sm ${status.ok ? "text-emerald-700" : "text-red-700"}`}>
            {status.text}
          </p>
        )}
      </div>
    </form>
  );
}
