import type { ReactNode } from "react";
import Link from "next/link";
import { redirect } from "next/navigation";
import { workspaceAccess } from "@/server/auth/workspace-access";
import { WorkspaceProvider } from "@/components/workspace-context";
import { WorkspaceNav } from "@/components/nav";
import { CommandPaletteProvider, PaletteButton } from "@/components/command-palette";
import { Forbidden } from "@/components/status-pages";
import { signOutAction } from "@/app/(auth)/actions";

export const dynamic = "force-dynamic";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const access = await workspaceAccess(slug);
  if (access.kind === "signed-out") redirect(`/sign-in?next=/w/${encodeURIComponent(slug)}`);
  // Unknown workspace and someone else's workspace look the same (slugs cannot be probed).
  if (access.kind === "no-access") return <Forbidden />;
  const { workspace, role, user, workspaces } = access;
  return (
    <WorkspaceProvider value={{ id: workspace.id, name: workspace.name, slug: workspace.slug, role, userId: user.id }}>
      <CommandPaletteProvider>
      <div className="flex min-h-screen">
        <aside className="flex w-60 shrink-0 flex-col border-r border-zinc-200 bg-white">
          <div className="border-b border-zinc-200 px-4 py-4">
            <Link href={`/w/${slug}`} className="text-base font-semibold tracking-tight">
              SPRINT <span className="text-brand-600">Studio</span>
            </Link>
            <div className="mt-2 truncate text-sm text-zinc-700" data-testid="workspace-name">{workspace.name}</div>
            {workspaces.length > 1 && (
              <details className="mt-1 text-xs text-zinc-500">
                <summary className="cursor-pointer">Switch workspace</summary>
                <ul className="mt-1 space-y-1">
                  {workspaces.map((w) => (
                    <li key={w.slug}><Link className="hover:underline" href={`/w/${w.slug}`}>{w.name}</Link></li>
                  ))}
                </ul>
              </details>
            )}
          </div>
          <div className="flex-1 space-y-2 p-2"><PaletteButton /><WorkspaceNav slug={slug} /></div>
          <div className="border-t border-zinc-200 p-3 text-sm">
            <div className="truncate font-medium" data-testid="current-user">{user.name ?? user.email}</div>
            <div className="truncate text-xs text-zinc-500">{user.email}</div>
            <div className="mt-1 inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700" data-testid="current-role">{role}</div>
            <form action={signOutAction} className="mt-2">
              <button className="btn-secondary w-full" type="submit">Sign out</button>
            </form>
          </div>
        </aside>
        <main className="min-w-0 flex-1 px-8 py-6">{children}</main>
      </div>
      </CommandPaletteProvider>
    </WorkspaceProvider>
  );
}
