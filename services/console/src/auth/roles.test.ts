import { describe, expect, it } from "vitest";
import { scopeCondition, viewerFor } from "./roles.ts";

const policy = { executives: new Set(["ceo@example.com"]), operators: new Set(["ops@example.com"]) };
const none = { owns: false, manages: false, sponsors: false };

describe("viewerFor", () => {
  it("reads the role from the directory and the lists, the widest first", () => {
    expect(viewerFor("Ops@Example.com", { ...none, owns: true }, policy)).toMatchObject({ email: "ops@example.com", role: "operations", canAct: false, seesQueues: true });
    expect(viewerFor("ceo@example.com", none, policy)).toMatchObject({ role: "executive", canAct: false });
    expect(viewerFor("vp@example.com", { ...none, sponsors: true }, policy)).toMatchObject({ role: "executive" });
    expect(viewerFor("lead@example.com", { owns: true, manages: true, sponsors: false }, policy)).toMatchObject({ role: "manager", canAct: true });
    expect(viewerFor("am@example.com", { ...none, owns: true }, policy)).toMatchObject({ role: "accountManager", canAct: true, seesQueues: false });
  });
  it("knows nobody the directory does not name", () => {
    expect(viewerFor("stranger@example.com", none, policy)).toBeUndefined();
  });
});

describe("scopeCondition", () => {
  it("limits an account manager to their accounts and a manager to their team's", () => {
    const am = viewerFor("am@example.com", { ...none, owns: true }, policy);
    const lead = viewerFor("lead@example.com", { ...none, manages: true }, policy);
    const ceo = viewerFor("ceo@example.com", none, policy);
    if (!am || !lead || !ceo) throw new Error("roles");
    expect(scopeCondition(am, 3)).toEqual({ sql: "accounts.owner_email = $3", values: ["am@example.com"] });
    expect(scopeCondition(lead, 1).sql).toBe("(accounts.owner_email = $1 OR accounts.manager_email = $1)");
    expect(scopeCondition(ceo, 1)).toEqual({ sql: "$1::text IS NOT NULL", values: ["ceo@example.com"] });
  });
});
