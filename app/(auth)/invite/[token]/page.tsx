import Link from "next/link";
import { auth } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { findUsableInvitation } from "@/server/auth/accounts";
import { SignUpForm } from "@/components/auth-forms";
import { AcceptInvitation } from "@/components/accept-invitation";
import { signOutAction, signUpAction } from "../../actions";

export const metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const inv = await findUsableInvitation(prisma, token);
  if (!inv) {
    return (
      <div className="space-y-3 text-sm">
        <h1 className="text-lg font-semibold">Invitation not valid</h1>
        <p className="text-zinc-600">This link is invalid, has expired, or was already used. Ask a workspace admin for a new one.</p>
        <Link className="btn-secondary" href="/">Go home</Link>
      </div>
    );
  }
  const session = await auth();
  const invite = { token, email: inv.email, workspace: inv.workspace.name, role: inv.role };
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">Join {inv.workspace.name}</h1>
      <p className="mb-4 text-sm text-zinc-600">
        You were invited as <strong>{inv.role}</strong> ({inv.email}).
      </p>
      {!session?.user ? (
        (await prisma.user.findUnique({ where: { email: inv.email }, select: { id: true } })) ? (
          <p className="text-sm">
            You already have an account.{" "}
            <Link className="text-brand-600 hover:underline" href={`/sign-in?next=/invite/${token}`}>Sign in to accept</Link>.
          </p>
        ) : (
          <SignUpForm signUp={signUpAction} invite={invite} />
        )
      ) : session.user.email === inv.email ? (
        <AcceptInvitation token={token} workspace={inv.workspace.name} />
      ) : (
        <div className="space-y-3 text-sm">
          <p>
            You are signed in as {session.user.email}, but this invitation is for {inv.email}.
          </p>
          <form action={signOutAction}>
            <button className="btn-secondary" type="submit">Sign out</button>
          </form>
        </div>
      )}
    </>
  );
}
