import { redirect } from "next/navigation";
import { auth } from "@/server/auth";
import { prisma } from "@/server/db/client";

export const dynamic = "force-dynamic";

/** Lands a signed-in user in their first workspace; everyone else on the sign-in page. */
export default async function Home() {
  const session = await auth();
  if (!session?.user?.id) redirect("/sign-in");
  const m = await prisma.membership.findFirst({
    where: { userId: session.user.id },
    orderBy: { createdAt: "asc" },
    select: { workspace: { select: { slug: true } } },
  });
  redirect(m ? `/w/${m.workspace.slug}` : "/no-workspace");
}
