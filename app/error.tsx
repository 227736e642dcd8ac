"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-lg px-4 py-24 text-center">
      <p className="text-sm font-semibold text-brand-600">500</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-3 text-sm text-zinc-600">
        The error was logged{error.digest ? ` (reference ${error.digest})` : ""}. Try again, or go back to your workspace.
      </p>
      <div className="mt-6 flex justify-center gap-2">
        <button className="btn-primary" onClick={reset}>Try again</button>
        <a className="btn-secondary" href="/">Home</a>
      </div>
    </main>
  );
}
