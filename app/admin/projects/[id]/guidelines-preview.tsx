"use client";

// The guidelines as annotators will see them.
export function GuidelinesPreview({ markdown }: { markdown: string }) {
  return <div className="whitespace-pre-wrap text-sm">{markdown}</div>;
}
