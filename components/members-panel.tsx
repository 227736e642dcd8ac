"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useWorkspace } from "./workspace-context";
import { ROLES, ROLE_DESCRIPTIONS, type Role } from "@/server/auth/roles";

export function MembersPanel() {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const isAdmin = ws.can("admin");
  const members = useQuery(trpc.members.list.queryOptions({ workspaceId: ws.id }));
  const invites = useQuery({ ...trpc.members.invitations.queryOptions({ workspaceId: ws.id }), enabled: isAdmin });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.members.invitations.queryKey() });
  };
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.members.revokeSessions.mutationOptions());
  const revokeInvite = useMutation(trpc.members.revokeInvitation.mutationOptions({ onSuccess: refresh }));
  const mutationError = changeRole.error ?? remove.error ?? revoke.error ?? revokeInvite.error;

  return (
    <div className="space-y-8">
      {isAdmin && <InviteForm onInvited={refresh} />}
      <section className="card">
        <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Members</h2>
        {mutationError && <p role="alert" className="px-4 pt-3 text-sm text-red-600">{errorMessage(mutationError)}</p>}
        {revoke.isSuccess && <p role="status" className="px-4 pt-3 text-sm text-green-700">Sessions revoked: they must sign in again.</p>}
        <table className="w-full text-sm" data-testid="members-table">
          <thead className="text-left text-xs text-zinc-500">
            <tr><th className="px-4 py-2">Name</th><th className="px-4 py-2">Email</th><th className="px-4 py-2">Role</th>{isAdmin && <th className="px-4 py-2 text-right">Actions</th>}</tr>
          </thead>
          <tbody>
            {members.data?.map((m) => (
              <tr key={m.id} className="border-t border-zinc-100">
                <td className="px-4 py-2">{m.name ?? "—"} {m.isMe && <span className="text-xs text-zinc-500">(you)</span>}</td>
                <td className="px-4 py-2 text-zinc-600">{m.email}</td>
                <td className="px-4 py-2">
                  {isAdmin ? (
                    <select
                      aria-label={`Role of ${m.email}`}
                      className="rounded border border-zinc-300 bg-white px-2 py-1 text-sm"
                      value={m.role}
                      onChange={(e) => changeRole.mutate({ workspaceId: ws.id, userId: m.id, role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                    </select>
                  ) : (
                    <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs">{m.role}</span>
                  )}
                </td>
                {isAdmin && (
                  <td className="space-x-2 px-4 py-2 text-right">
                    <button className="btn-secondary" onClick={() => revoke.mutate({ workspaceId: ws.id, userId: m.id })}>Revoke sessions</button>
                    {!m.isMe && (
                      <button
                        className="btn-danger"
                        onClick={() => {
                          if (confirm(`Remove ${m.email} from ${ws.name}?`)) remove.mutate({ workspaceId: ws.id, userId: m.id });
                        }}
                      >
                        Remove
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {members.isLoading && <p className="px-4 py-3 text-sm text-zinc-500">Loading…</p>}
      </section>
      {isAdmin && (
        <section className="card">
          <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold">Pending invitations</h2>
          {invites.data?.length ? (
            <ul className="divide-y divide-zinc-100 text-sm">
              {invites.data.map((i) => (
                <li key={i.id} className="flex items-center justify-between px-4 py-2">
                  <span>{i.email} · {i.role} · expires {i.expiresAt.toLocaleDateString()}</span>
                  <button className="btn-secondary" onClick={() => revokeInvite.mutate({ workspaceId: ws.id, invitationId: i.id })}>Revoke</button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="px-4 py-3 text-sm text-zinc-500">No pending invitations.</p>
          )}
        </section>
      )}
      <section className="text-sm text-zinc-600">
        <h2 className="mb-2 font-semibold text-zinc-800">Roles</h2>
        <ul className="space-y-1">{ROLES.map((r) => <li key={r}><strong>{r}</strong> — {ROLE_DESCRIPTIONS[r]}</li>)}</ul>
      </section>
    </div>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const ws = useWorkspace();
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("reviewer");
  const invite = useMutation(trpc.members.invite.mutationOptions({ onSuccess: onInvited }));
  const link = invite.data ? `${typeof window === "undefined" ? "" : window.location.origin}${invite.data.path}` : null;
  return (
    <section className="card p-4">
      <h2 className="text-sm font-semibold">Invite someone</h2>
      <form
        className="mt-3 flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate({ workspaceId: ws.id, email, role });
        }}
      >
        <div className="min-w-64 flex-1">
          <label className="label" htmlFor="invite-email">Email</label>
          <input id="invite-email" className="input" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div>
          <label className="label" htmlFor="invite-role">Role</label>
          <select id="invite-role" className="input" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </div>
        <button className="btn-primary" type="submit" disabled={invite.isPending}>{invite.isPending ? "Inviting…" : "Create invitation"}</button>
      </form>
      {invite.error && <p role="alert" className="mt-2 text-sm text-red-600">{errorMessage(invite.error)}</p>}
      {link && (
        <div className="mt-3 rounded-md border border-green-200 bg-green-50 p-3 text-sm">
          <p className="text-green-800">Send this link to {invite.variables?.email}. It is shown only once and expires in 14 days.</p>
          <input readOnly className="input mt-2 font-mono text-xs" value={link} data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </section>
  );
}
