import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="text-2xl font-semibold tracking-tight">
            SPRINT <span className="text-brand-600">Studio</span>
          </div>
          <p className="mt-1 text-sm text-zinc-500">Interleaved planning, parallel execution.</p>
        </div>
        <div className="card p-6">{children}</div>
      </div>
    </main>
  );
}
