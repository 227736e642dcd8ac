"use client";
import { createContext, useContext, type ReactNode } from "react";
import { hasRole, type Role } from "@/server/auth/roles";

export interface WorkspaceInfo {
  id: string;
  name: string;
  slug: string;
  role: Role;
  userId: string;
}

const Ctx = createContext<WorkspaceInfo | null>(null);

export function WorkspaceProvider({ value, children }: { value: WorkspaceInfo; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useWorkspace(): WorkspaceInfo & { can: (role: Role) => boolean } {
  const ws = useContext(Ctx);
  if (!ws) throw new Error("useWorkspace outside a workspace");
  return { ...ws, can: (role: Role) => hasRole(ws.role, role) };
}
