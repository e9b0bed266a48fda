"use client";

// The guidelines as annotators will see them: the same safe markdown renderer.
import { Markdown } from "@/app/components/markdown";

export function GuidelinesPreview({ markdown }: { markdown: string }) {
  return markdown.trim() === "" ? <p className="text-sm text-slate-500">Nothing to preview.</p> : <Markdown>{markdown}</Markdown>;
}
