import { redirect } from "next/navigation";
import { auth, oauthProviders, signIn } from "@/server/auth";
import { demoSignInHint } from "@/server/auth/demo";
import { safeNextPath } from "@/server/auth/safe-next";
import { prisma } from "@/server/db/client";
import { SignInForm } from "@/components/auth-forms";
import { signInAction } from "../actions";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  OAuthAccountNotLinked: "This email is already used by another sign-in method.",
  AccessDenied: "Access was denied.",
  Configuration: "Sign-in is not configured correctly on this server.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[]; error?: string | string[] }> }) {
  const sp = await searchParams;
  // One check for every use of `next` on this page (server/auth/safe-next.ts): same-site paths only.
  const next = safeNextPath(Array.isArray(sp.next) ? sp.next[0] : sp.next);
  const error = Array.isArray(sp.error) ? sp.error[0] : sp.error;
  if ((await auth())?.user) redirect(next);
  const providers = oauthProviders();
  const demo = await demoSignInHint(prisma).catch(() => null);
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      {error && (
        <p role="alert" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {ERRORS[error] ?? "Sign-in failed. Try again."}
        </p>
      )}
      {demo && (
        <div data-testid="demo-hint" className="mb-4 rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm text-zinc-700">
          <p className="font-medium">A demo workspace is set up on this server.</p>
          <p className="mt-1">
            Sign in as <code className="font-mono">{demo.email}</code>
            {demo.password ? (
              <>
                {" "}with password <code className="font-mono">{demo.password}</code>.
              </>
            ) : (
              <> with the password printed in the server log when it was created (SPRINT_DEMO_PASSWORD).</>
            )}
          </p>
        </div>
      )}
      <SignInForm signIn={signInAction} next={next} />
      {providers.length > 0 && (
        <div className="mt-6 space-y-2 border-t border-zinc-200 pt-4">
          {providers.map((p) => (
            <form
              key={p.id}
              action={async () => {
                "use server";
                await signIn(p.id, { redirectTo: next });
              }}
            >
              <button className="btn-secondary w-full" type="submit">Continue with {p.name}</button>
            </form>
          ))}
        </div>
      )}
    </>
  );
}
