import { describe, expect, it } from "vitest";
import { consoleOnward, resultPage } from "./pages.ts";

describe("the way on from a refused link", () => {
  it("is the console's page for the account, its id encoded and the whole link escaped", () => {
    const onward = consoleOnward("https://console.example.com/", `acc-1/"><script>x</script>&`);
    expect(onward).toEqual({ href: "https://console.example.com/accounts/acc-1%2F%22%3E%3Cscript%3Ex%3C%2Fscript%3E%26", to: "account" });
    const html = resultPage("en", false, "expired", consoleOnward(`https://console.example.com/?a="<b>&c`, "acc-1"));
    expect(html).toContain(`href="https://console.example.com/?a=&quot;&lt;b&gt;&amp;c/accounts/acc-1"`);
    expect(html).not.toContain("<b>");
  });

  it("is the console's front page when no account is known, and nothing without a console", () => {
    expect(consoleOnward("https://console.example.com", undefined)).toEqual({ href: "https://console.example.com/", to: "console" });
    expect(consoleOnward(undefined, "acc-1")).toBeUndefined();
    expect(resultPage("zh-CN", false, "expired")).not.toContain("<a ");
  });
});
