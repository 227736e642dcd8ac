"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { errorMessage, useTRPC } from "@/lib/trpc";

export function AcceptInvitation({ token, workspace }: { token: string; workspace: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.account.acceptInvitation.mutationOptions({ onSuccess: (r) => router.push(`/w/${r.slug}`) }));
  return (
    <div className="space-y-3">
      {accept.error && <p role="alert" className="text-sm text-red-600">{errorMessage(accept.error)}</p>}
      <button className="btn-primary w-full" disabled={accept.isPending} onClick={() => accept.mutate({ token })}>
        {accept.isPending ? "Joining…" : `Join ${workspace}`}
      </button>
    </div>
  );
}
