// A message or completion as safe markdown: code blocks kept, raw HTML shown as text, never run.
import { Markdown } from "@/app/components/markdown";

export function CompletionText({ text }: { text: string }) {
  return <Markdown className="mt-1 text-sm">{text}</Markdown>;
}
