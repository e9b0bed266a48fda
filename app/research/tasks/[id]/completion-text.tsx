// A message or completion as text: raw HTML is shown as text, never run.
export function CompletionText({ text }: { text: string }) {
  return <div className="mt-1 whitespace-pre-wrap break-words text-sm">{text}</div>;
}
