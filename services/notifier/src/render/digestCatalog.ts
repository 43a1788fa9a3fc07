import type { Locale } from "@churnwatch/contracts";
import type { DigestLine } from "../digest/content.ts";
import type { Schedule } from "../digest/subscription.ts";

/** The executive digest's words; levels, tiers and rule titles come from the alert catalog. */
export interface DigestMessages {
  name: Record<Schedule["cadence"], string>;
  subject: (p: { name: string; period: string; count: number; late: boolean }) => string;
  greeting: (name: string) => string;
  intro: (count: number) => string;
  allClear: string;
  late: (due: string) => string;
  scope: string;
  everyAccount: string;
  scopeParts: { region: string; tier: string; level: string; owner: string };
  columns: { rank: string; account: string; level: string; atRisk: string; signals: string; trend: string; owner: string; answered: string };
  answered: Record<DigestLine["acknowledged"], string>;
  change: Record<Exclude<DigestLine["change"], "same">, string>;
  sinceLast: string;
  first: string;
  noChange: string;
  added: string;
  escalated: string;
  recovered: string;
  eased: (level: string) => string;
  showing: (shown: number, matching: number) => string;
  byRegion: string;
  byTier: string;
  totalColumns: { key: string; accounts: string; atRisk: string };
  /** Said once, under the totals, when amounts were converted to the reporting currency. */
  converted: (reporting: string, asOf: string) => string;
  /** After an amount whose currency has no configured rate: shown as it is and left out of converted totals. */
  noRate: string;
  unsubscribe: string;
  footer: string;
  pages: { title: string; confirm: (name: string) => string; button: string; done: string; gone: string };
}

const en: DigestMessages = {
  name: { daily: "Daily", weekly: "Weekly", monthly: "Monthly" },
  subject: ({ name, period, count, late }) =>
    `[Churnwatch] ${name} key-account risk digest ${period}: ${count === 0 ? "all clear" : `${count} account${count === 1 ? "" : "s"} at risk`}${late ? " (late)" : ""}`,
  greeting: (name) => `Hello ${name},`,
  intro: (count) => `${count} key account${count === 1 ? " is" : "s are"} at risk in this digest's scope, ranked by revenue at risk (trailing-12-month orders × risk score).`,
  allClear: "No key account in this digest's scope is at risk.",
  late: (due) => `Sent late: this digest was due on ${due}, while Churnwatch was unavailable. It shows the situation now.`,
  scope: "Scope",
  everyAccount: "every key account",
  scopeParts: { region: "region", tier: "tier", level: "risk at least", owner: "owners" },
  columns: { rank: "#", account: "Account", level: "Risk", atRisk: "Revenue at risk", signals: "Main signals", trend: "Trend", owner: "Owner", answered: "Acknowledged" },
  answered: { all: "Yes", some: "Partly", none: "No" },
  change: { new: "new", escalated: "escalated", eased: "eased" },
  sinceLast: "Since the last digest",
  first: "This is the first digest of this subscription: the next one will show what changed.",
  noChange: "No account entered, escalated or left the list.",
  added: "New",
  escalated: "Escalated",
  recovered: "Recovered",
  eased: (level) => `now ${level}, below this digest's scope`,
  showing: (shown, matching) => `Showing the top ${shown} of ${matching}.`,
  byRegion: "Totals by region",
  byTier: "Totals by tier",
  totalColumns: { key: "", accounts: "Accounts", atRisk: "Revenue at risk" },
  converted: (reporting, asOf) => `Amounts are converted to ${reporting} at the rates of ${asOf} to rank and total them; each account's own currency is in brackets.`,
  noRate: "not converted: no exchange rate",
  unsubscribe: "Unsubscribe from this digest",
  footer: "You receive this digest because you subscribed to it in Churnwatch.",
  pages: {
    title: "Unsubscribe from the digest",
    confirm: (name) => `Stop sending you the ${name.toLowerCase()} key-account risk digest?`,
    button: "Unsubscribe",
    done: "You are unsubscribed: this digest will not be sent again.",
    gone: "This subscription no longer exists: nothing more will be sent.",
  },
};

const zh: DigestMessages = {
  name: { daily: "日报", weekly: "周报", monthly: "月报" },
  subject: ({ name, period, count, late }) =>
    `【Churnwatch】大客户风险${name}（${period}）：${count === 0 ? "无风险客户" : `${count} 家客户存在流失风险`}${late ? "（延迟发送）" : ""}`,
  greeting: (name) => `${name}，您好：`,
  intro: (count) => `本报告范围内有 ${count} 家大客户存在流失风险，按风险收入（近 12 个月订单额 × 风险评分）排序。`,
  allClear: "本报告范围内暂无存在流失风险的大客户。",
  late: (due) => `延迟发送：本期报告原定于 ${due} 发送，当时 Churnwatch 服务不可用。以下为当前情况。`,
  scope: "范围",
  everyAccount: "全部大客户",
  scopeParts: { region: "区域", tier: "客户类型", level: "风险不低于", owner: "负责人" },
  columns: { rank: "排名", account: "客户", level: "风险", atRisk: "风险收入", signals: "主要信号", trend: "趋势", owner: "负责人", answered: "已确认处理" },
  answered: { all: "是", some: "部分", none: "否" },
  change: { new: "新增", escalated: "升级", eased: "缓和" },
  sinceLast: "与上期相比",
  first: "这是该订阅的第一期报告，下一期起将列出变化。",
  noChange: "没有客户新增、升级或移出名单。",
  added: "新增",
  escalated: "升级",
  recovered: "已恢复",
  eased: (level) => `当前为${level}风险，低于本报告范围`,
  showing: (shown, matching) => `显示前 ${shown} 家，共 ${matching} 家。`,
  byRegion: "按区域汇总",
  byTier: "按客户类型汇总",
  totalColumns: { key: "", accounts: "客户数", atRisk: "风险收入" },
  converted: (reporting, asOf) => `为排序和汇总，金额按 ${asOf} 的汇率折算为 ${reporting}；括号内为客户自身币种的金额。`,
  noRate: "未折算：无汇率",
  unsubscribe: "退订此报告",
  footer: "您收到此邮件，是因为您在 Churnwatch 中订阅了此报告。",
  pages: {
    title: "退订报告",
    confirm: (name) => `不再向您发送大客户风险${name}？`,
    button: "退订",
    done: "已退订，此报告将不再发送。",
    gone: "该订阅已不存在，不会再发送。",
  },
};

export const digestCatalogs: Record<Locale, DigestMessages> = { en, "zh-CN": zh };
