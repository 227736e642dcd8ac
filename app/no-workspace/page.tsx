import { redirect } from "next/navigation";
import { auth } from "@/server/auth";
import { signOutAction } from "../(auth)/actions";

export const dynamic = "force-dynamic";

export default async function NoWorkspace() {
  const session = await auth();
  if (!session?.user) redirect("/sign-in");
  return (
    <main className="mx-auto max-w-md px-4 py-24 text-center">
      <h1 className="text-xl font-semibold">You are not in any workspace</h1>
      <p className="mt-2 text-sm text-zinc-600">
        You were removed from your last workspace. Ask an admin for an invitation link, or create a new account.
      </p>
      <form action={signOutAction} className="mt-6">
        <button className="btn-secondary" type="submit">Sign out</button>
      </form>
    </main>
  );
}
