// The top of the ranking page: the way back, the project, a line of context (progress, or
// which ranking is being edited), and the layout switch.
import Link from "next/link";
import type { ReactNode } from "react";
import type { Layout } from "../_hooks/use-layout";

const LAYOUTS: [Layout, string][] = [
  ["stacked", "Stacked"],
  ["side", "Side by side"],
];

export function RankingHeader(props: {
  back: { href: string; label: string };
  title: string;
  children: ReactNode;
  layout: Layout;
  onLayout(layout: Layout): void;
}) {
  return (
    <header className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <div className="min-w-0 flex-1">
        <Link href={props.back.href} className="text-xs font-medium text-indigo-700 hover:underline" data-testid="back-link">
          ← {props.back.label}
        </Link>
        <h1 className="text-xl font-semibold break-words">{props.title}</h1>
        {props.children}
      </div>
      <div className="flex rounded-lg border border-slate-200 bg-white p-0.5 text-xs font-medium shadow-sm" role="group" aria-label="Layout">
        {LAYOUTS.map(([value, label]) => (
          <button
            key={value}
            type="button"
            aria-pressed={props.layout === value}
            data-testid={`layout-${value}`}
            onClick={() => props.onLayout(value)}
            className={`rounded-md px-3 py-1.5 ${props.layout === value ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100"}`}
          >
            {label}
          </button>
        ))}
      </div>
    </header>
  );
}
