// The admin area's own links, shown at the top of each admin page (not in a layout, so a
// 403 page never shows them).
import Link from "next/link";

const LINKS = [
  ["/admin", "Overview"],
  ["/admin/users", "Users"],
  ["/admin/projects", "Projects"],
] as const;

export function AdminNav({ current }: { current: (typeof LINKS)[number][0] }) {
  return (
    <nav aria-label="Admin" className="mb-4 flex gap-4 border-b border-slate-200 text-sm">
      {LINKS.map(([href, label]) => (
        <Link
          key={href}
          href={href}
          aria-current={href === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-1 pb-2 ${href === current ? "border-indigo-600 font-medium text-indigo-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}
