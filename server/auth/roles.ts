/** Workspace roles, weakest first. Each role can do everything the roles before it can. */
export const ROLES = ["viewer", "reviewer", "curator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function hasRole(actual: Role, required: Role): boolean {
  return roleRank(actual) >= roleRank(required);
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Reads datasets, runs and results",
  reviewer: "Reviews and comments on curated trajectories",
  curator: "Imports, curates, edits, assigns and adjudicates",
  admin: "Everything, plus members, roles, endpoints and settings",
};
