"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const ITEMS = [
  { href: "studio", label: "Studio", hint: "Datasets & curation" },
  { href: "review", label: "Review", hint: "Team review" },
  { href: "playground", label: "Playground", hint: "Parallel inference" },
  { href: "models", label: "Models", hint: "Fine-tunes & registry" },
  { href: "evaluations", label: "Evaluations", hint: "Accuracy & tokens" },
  { href: "settings", label: "Settings", hint: "Members & roles" },
] as const;

export function WorkspaceNav({ slug }: { slug: string }) {
  const path = usePathname();
  return (
    <nav aria-label="Workspace" className="space-y-0.5">
      {ITEMS.map((item) => {
        const href = `/w/${slug}/${item.href}`;
        const active = path === href || path.startsWith(`${href}/`);
        return (
          <Link
            key={item.href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={`block rounded-md px-3 py-2 text-sm ${active ? "bg-brand-50 font-medium text-brand-700" : "text-zinc-700 hover:bg-zinc-100"}`}
          >
            {item.label}
            <span className="block text-xs font-normal text-zinc-500">{item.hint}</span>
          </Link>
        );
      })}
    </nav>
  );
}
