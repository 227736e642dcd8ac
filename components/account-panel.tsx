"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";

/** Settings → Your account: change password, sign out of every session. */
/** `signOut` is the server action (app/(auth)/actions.ts), passed in by the settings page. */
export function AccountPanel({ signOut }: { signOut: () => Promise<void> }) {
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const revoke = useMutation(trpc.account.revokeMySessions.mutationOptions({ onSuccess: () => signOut() }));
  const change = useMutation(trpc.account.changePassword.mutationOptions({ onSuccess: () => signOut() }));
  return (
    <section className="card p-4" data-testid="account-panel">
      <h2 className="text-sm font-semibold">Your account</h2>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate({ current, next });
          }}
        >
          <div>
            <label className="label" htmlFor="pw-current">Current password</label>
            <input id="pw-current" className="input" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          </div>
          <div>
            <label className="label" htmlFor="pw-next">New password</label>
            <input id="pw-next" className="input" type="password" autoComplete="new-password" minLength={8} required value={next} onChange={(e) => setNext(e.target.value)} />
          </div>
          <button className="btn-secondary" type="submit" disabled={change.isPending}>Change password</button>
        </form>
        <button className="btn-danger" disabled={revoke.isPending} onClick={() => revoke.mutate()}>
          Sign out everywhere
        </button>
      </div>
      <p className="mt-2 text-xs text-zinc-500">Changing the password also ends every other session.</p>
      {(change.error ?? revoke.error) && <p role="alert" className="mt-2 text-sm text-red-600">{errorMessage(change.error ?? revoke.error)}</p>}
    </section>
  );
}
