import { describe, expect, it } from "vitest";
import { authenticate, parseApiTokens } from "./tokens.ts";

describe("API tokens", () => {
  const tokens = parseApiTokens("ops-0123456789abcdefghijklmn=*, li-0123456789abcdefghijklmno=Li.Wei@Example.com");

  it("maps each token to its scope", () => {
    expect(authenticate("Bearer ops-0123456789abcdefghijklmn", tokens)?.scope).toEqual({ kind: "all" });
    expect(authenticate("bearer li-0123456789abcdefghijklmno", tokens)?.scope).toEqual({ kind: "owner", email: "li.wei@example.com" });
  });

  it("refuses a missing, malformed or unknown token", () => {
    for (const header of [undefined, "", "Bearer", "Basic abc", "Bearer ops-0123456789abcdefghijklmX"]) expect(authenticate(header, tokens)).toBeUndefined();
  });

  it("refuses short tokens and unknown scopes at start-up, naming the entry", () => {
    expect(() => parseApiTokens("short=*")).toThrow("API_TOKENS entry 1: the token must be at least 24 characters");
    expect(() => parseApiTokens("ops-0123456789abcdefghijklmn=everyone")).toThrow("API_TOKENS entry 1: the scope must be * (every account) or an owner's email address");
  });
});
