/**
 * Who a signed-in person is to the console, from the people the account profiles name (owner, manager,
 * executive sponsor) and the console's own lists of executives and operators. Pure: the facts are read
 * from the read model by the caller.
 */
export type Role = "accountManager" | "manager" | "executive" | "operations";

export interface Viewer {
  email: string;
  role: Role;
  /** Executives and operations read; account managers and their managers answer alerts and log contacts. */
  canAct: boolean;
  /** Operations also reach the queue dashboard. */
  seesQueues: boolean;
}

export interface DirectoryFacts {
  owns: boolean;
  manages: boolean;
  sponsors: boolean;
}

export interface RolePolicy {
  executives: ReadonlySet<string>;
  operators: ReadonlySet<string>;
}

export function viewerFor(email: string, facts: DirectoryFacts, policy: RolePolicy): Viewer | undefined {
  const who = email.trim().toLowerCase();
  const role: Role | undefined = policy.operators.has(who)
    ? "operations"
    : policy.executives.has(who) || facts.sponsors
      ? "executive"
      : facts.manages
        ? "manager"
        : facts.owns
          ? "accountManager"
          : undefined;
  if (!role) return undefined;
  return { email: who, role, canAct: role === "accountManager" || role === "manager", seesQueues: role === "operations" };
}

/**
 * The accounts a viewer may see, as a SQL condition on `accounts` with the viewer's address as `$n`. Every
 * role binds it (PostgreSQL refuses a parameter it cannot type), so callers number theirs the same way.
 */
export function scopeCondition(viewer: Viewer, param: number): { sql: string; values: string[] } {
  switch (viewer.role) {
    case "accountManager":
      return { sql: `accounts.owner_email = $${param}`, values: [viewer.email] };
    case "manager":
      return { sql: `(accounts.owner_email = $${param} OR accounts.manager_email = $${param})`, values: [viewer.email] };
    case "executive":
    case "operations":
      return { sql: `$${param}::text IS NOT NULL`, values: [viewer.email] };
  }
}
