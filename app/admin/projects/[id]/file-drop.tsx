"use client";

// A file input that looks like one: a dashed drop area that is also a button ("Choose a file"),
// naming the chosen file and its size. The real <input type="file"> stays in the form (visually
// hidden, still focusable and required), so FormData and the browser's validation see it.
import { useRef, useState, type DragEvent } from "react";

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function FileDrop({ name, label, accept, hint }: { name: string; label: string; accept: string; hint: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [over, setOver] = useState(false);

  function onDrop(e: DragEvent<HTMLLabelElement>) {
    e.preventDefault();
    setOver(false);
    const dropped = e.dataTransfer.files;
    if (!input.current || dropped.length === 0) return;
    input.current.files = dropped;
    setFile(dropped[0]);
  }

  return (
    <div className="flex min-w-64 flex-1 flex-col gap-1 text-sm">
      <span aria-hidden>{label}</span>
      <label
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="file-drop"
        className={`flex cursor-pointer items-center gap-3 rounded-lg border-2 border-dashed px-3 py-2 transition-colors focus-within:ring-2 focus-within:ring-indigo-500 focus-within:ring-offset-1 ${
          over
            ? "border-indigo-500 bg-indigo-50"
            : file
              ? "border-indigo-300 bg-white"
              : "border-slate-300 bg-slate-50 hover:border-indigo-400 hover:bg-indigo-50/50"
        }`}
      >
        <input
          ref={input}
          name={name}
          type="file"
          accept={accept}
          required
          aria-label={label}
          className="sr-only"
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
        <span className="shrink-0 rounded border border-slate-300 bg-white px-2.5 py-1 font-medium text-slate-700 shadow-sm">
          {file ? "Change file" : "Choose a file"}
        </span>
        {file ? (
          <span className="min-w-0 truncate" data-testid="file-drop-name">
            <span className="font-medium text-slate-900">{file.name}</span> <span className="text-slate-500">({formatBytes(file.size)})</span>
          </span>
        ) : (
          <span className="text-slate-500">{hint}</span>
        )}
      </label>
    </div>
  );
}
