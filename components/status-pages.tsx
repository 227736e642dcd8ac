import Link from "next/link";

export function StatusPage({ code, title, children }: { code: number; title: string; children?: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-lg px-4 py-24 text-center">
      <p className="text-sm font-semibold text-brand-600">{code}</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="mt-3 text-sm text-zinc-600">{children}</div>
      <Link href="/" className="btn-secondary mt-6">Back to your workspace</Link>
    </main>
  );
}

export function Forbidden() {
  return (
    <StatusPage code={403} title="You don't have access to this workspace">
      Ask one of its admins for an invitation link.
    </StatusPage>
  );
}
