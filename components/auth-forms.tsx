"use client";
import Link from "next/link";
import { useActionState } from "react";
import type { FormAction, FormState } from "@/lib/form-state";

function FieldError({ errors }: { errors?: string[] }) {
  return errors?.length ? <p className="mt-1 text-xs text-red-600">{errors[0]}</p> : null;
}

function FormError({ state }: { state: FormState }) {
  return state.error ? (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
      {state.error}
    </p>
  ) : null;
}

/** The sign-in form; `signIn` is the server action (app/(auth)/actions.ts), passed in by the page. */
export function SignInForm({ signIn, next, demo }: { signIn: FormAction; next?: string; demo?: { email: string } | null }) {
  const [state, action, pending] = useActionState(signIn, {});
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="next" value={next ?? "/"} />
      <FormError state={state} />
      <div>
        <label className="label" htmlFor="email">Email</label>
        <input className="input" id="email" name="email" type="email" autoComplete="email" required defaultValue={demo?.email} />
      </div>
      <div>
        <label className="label" htmlFor="password">Password</label>
        <input className="input" id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button className="btn-primary w-full" type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="text-center text-sm text-zinc-600">
        New here? <Link className="text-brand-600 hover:underline" href="/sign-up">Create an account</Link>
      </p>
    </form>
  );
}

/** The sign-up form; `signUp` is the server action (app/(auth)/actions.ts), passed in by the page. */
export function SignUpForm({ signUp, invite }: { signUp: FormAction; invite?: { token: string; email: string; workspace: string; role: string } }) {
  const [state, action, pending] = useActionState(signUp, {});
  const fe = state.fieldErrors ?? {};
  return (
    <form action={action} className="space-y-4">
      {invite && <input type="hidden" name="inviteToken" value={invite.token} />}
      <FormError state={state} />
      <div>
        <label className="label" htmlFor="name">Your name</label>
        <input className="input" id="name" name="name" autoComplete="name" required />
        <FieldError errors={fe.name} />
      </div>
      <div>
        <label className="label" htmlFor="email">Email</label>
        <input
          className="input read-only:bg-zinc-100"
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={invite?.email}
          readOnly={!!invite}
        />
        <FieldError errors={fe.email} />
      </div>
      <div>
        <label className="label" htmlFor="password">Password</label>
        <input className="input" id="password" name="password" type="password" autoComplete="new-password" minLength={8} required />
        <FieldError errors={fe.password} />
      </div>
      {!invite && (
        <div>
          <label className="label" htmlFor="workspaceName">Workspace name <span className="text-zinc-400">(optional)</span></label>
          <input className="input" id="workspaceName" name="workspaceName" placeholder="e.g. Reasoning lab" />
          <p className="mt-1 text-xs text-zinc-500">You become its admin and can invite your team.</p>
        </div>
      )}
      <button className="btn-primary w-full" type="submit" disabled={pending}>
        {pending ? "Creating account…" : invite ? `Join ${invite.workspace} as ${invite.role}` : "Create account"}
      </button>
      <p className="text-center text-sm text-zinc-600">
        Have an account? <Link className="text-brand-600 hover:underline" href="/sign-in">Sign in</Link>
      </p>
    </form>
  );
}
