import { redirect } from "next/navigation";
import { auth, oauthProviders, signIn } from "@/server/auth";
import { SignInForm } from "@/components/auth-forms";
import { signInAction } from "../actions";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const { next, error } = await searchParams;
  if ((await auth())?.user) redirect(next?.startsWith("/") ? next : "/");
  const providers = oauthProviders();
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      {error && (
        <p role="alert" className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800">
          Sign-in failed ({error}). Try again.
        </p>
      )}
      <SignInForm signIn={signInAction} next={next} />
      {providers.length > 0 && (
        <div className="mt-6 space-y-2 border-t border-zinc-200 pt-4">
          {providers.map((p) => (
            <form
              key={p.id}
              action={async () => {
                "use server";
                await signIn(p.id, { redirectTo: next?.startsWith("/") ? next : "/" });
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
