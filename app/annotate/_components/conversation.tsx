// The conversation the completions answer: every message, with its role shown.
import { Markdown } from "@/app/components/markdown";
import type { Message } from "@/db/schema";

const ROLE: Record<Message["role"], { label: string; style: string }> = {
  system: { label: "System", style: "border-amber-200 bg-amber-50" },
  user: { label: "User", style: "border-sky-200 bg-sky-50" },
  assistant: { label: "Assistant", style: "border-slate-200 bg-white" },
};

export function Conversation({ messages }: { messages: Message[] }) {
  return (
    <ol className="flex flex-col gap-3" data-testid="conversation" aria-label="Conversation">
      {messages.map((m, i) => (
        <li key={i} className={`rounded-lg border px-4 py-3 ${ROLE[m.role]?.style ?? ROLE.user.style}`} data-testid="message" data-role={m.role}>
          <div className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{ROLE[m.role]?.label ?? m.role}</div>
          <Markdown>{m.content}</Markdown>
        </li>
      ))}
    </ol>
  );
}
