import type { Locale, TransitionType } from "@churnwatch/contracts";

/** Every word the console shows, per locale; typed so a page cannot ship half translated. */
export interface ConsoleMessages {
  appName: string;
  nav: { portfolio: string; overview: string; inbox: string; queues: string; signOut: string; language: string };
  roles: Record<"accountManager" | "manager" | "executive" | "operations", string>;
  signin: {
    title: string;
    intro: string;
    email: string;
    send: string;
    sent: string;
    confirmTitle: string;
    confirm: string;
    invalid: string;
    mailSubject: string;
    mailBody: (p: { link: string; minutes: number }) => string;
  };
  portfolio: {
    title: string;
    filters: { region: string; tier: string; level: string; owner: string; search: string; any: string; apply: string };
    columns: { account: string; score: string; level: string; trend: string; revenueAtRisk: string; owner: string; answer: string };
    empty: string;
    next: string;
    first: string;
    trendLabel: (points: string) => string;
    converted: (reporting: string, asOf: string) => string;
    noRate: string;
  };
  account: {
    facts: { tier: string; region: string; owner: string; manager: string; trailing: string; revenueAtRisk: string; evaluated: string };
    riskChart: string;
    riskChartLabel: (p: { from: string; to: string; last: string }) => string;
    spendChart: string;
    spendChartLabel: (baseline: string) => string;
    baseline: string;
    noSpend: string;
    openAlerts: string;
    noAlerts: string;
    evidence: string;
    history: string;
    noHistory: string;
    notes: string;
    contacts: string;
    actions: { acknowledge: string; snooze: string; snoozeWeek: string; snoozeMonth: string; dismiss: string; reason: string; note: string; addNote: string; logContact: string; kind: string; answered: string; contactNote: string; log: string };
    readOnly: string;
    inReporting: (amount: string, asOf: string) => string;
    noRate: string;
    kinds: Record<"visit" | "call" | "meeting" | "email", string>;
  };
  answers: Record<"acknowledge" | "snooze" | "dismiss", (who: string, when: string) => string>;
  unanswered: string;
  inbox: {
    title: string;
    empty: string;
    columns: { account: string; alert: string; level: string; fired: string; answer: string };
    /** Answering several alerts at once; "not a risk" stays one at a time, since each needs its own reason. */
    bulk: { select: (what: string) => string; action: string; acknowledge: string; snoozeWeek: string; snoozeMonth: string; apply: string; saved: (n: number) => string; noneSelected: string };
  };
  transition: (p: { type: TransitionType; rule: string; level: string; actor: string; note?: string | undefined }) => string;
  errors: { notFound: string; forbidden: string; badRequest: string; signInFirst: string; readOnly: string };
  saved: string;
}

const enTransition: Record<TransitionType, string> = {
  fired: "{rule} fired at level {level}",
  escalated: "{rule} rose to level {level}",
  resolved: "{rule} resolved",
  notified: "{actor} notified about {rule} ({level})",
  acknowledged: "{actor} acknowledged {rule}",
  snoozed: "{actor} snoozed {rule}",
  "snooze-ended": "The snooze on {rule} ended",
  dismissed: "{actor} marked {rule} as not a risk",
  "escalated-to-manager": "{rule} was escalated to the manager",
  "escalated-to-executive": "{rule} was escalated to the executive sponsor",
  "resolved-notice": "The owner was told that {rule} resolved",
  "action-ignored": "An answer to {rule} was ignored",
  "email-sent": "An email about {rule} was sent",
  "email-superseded": "An email about {rule} was replaced by a newer one",
  "email-failed": "An email about {rule} could not be delivered",
  "defection-confirmed": "Operations confirmed the account defected",
};
const zhTransition: Record<TransitionType, string> = {
  fired: "{rule}预警触发，级别{level}",
  escalated: "{rule}升级至{level}",
  resolved: "{rule}已解除",
  notified: "已就{rule}（{level}）通知{actor}",
  acknowledged: "{actor}已确认{rule}",
  snoozed: "{actor}暂缓了{rule}",
  "snooze-ended": "{rule}的暂缓已结束",
  dismissed: "{actor}将{rule}标记为非风险",
  "escalated-to-manager": "{rule}已上报经理",
  "escalated-to-executive": "{rule}已上报高管",
  "resolved-notice": "已通知负责人{rule}已解除",
  "action-ignored": "对{rule}的一次答复未被采纳",
  "email-sent": "已发送关于{rule}的邮件",
  "email-superseded": "关于{rule}的邮件已被新邮件取代",
  "email-failed": "关于{rule}的邮件发送失败",
  "defection-confirmed": "运营已确认该客户流失",
};
const fill = (template: string, p: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => p[k] ?? "");
const actorName = (actor: string, locale: Locale) =>
  actor === "engine" ? (locale === "zh-CN" ? "系统" : "The engine") : actor === "policy" ? (locale === "zh-CN" ? "通知策略" : "The notification policy") : actor.replace(/^link:/, "");

const en: ConsoleMessages = {
  appName: "Churnwatch",
  nav: { portfolio: "Portfolio", overview: "Overview", inbox: "Inbox", queues: "Queues", signOut: "Sign out", language: "中文" },
  roles: { accountManager: "Account manager", manager: "Manager", executive: "Executive (read-only)", operations: "Operations (read-only)" },
  signin: {
    title: "Sign in",
    intro: "Enter your work email address. We will email you a link that signs you in once.",
    email: "Work email",
    send: "Email me a sign-in link",
    sent: "If this address may use Churnwatch, a sign-in link is on its way. It works once, for 15 minutes.",
    confirmTitle: "Finish signing in",
    confirm: "Sign in",
    invalid: "This sign-in link has been used or has expired. Ask for a new one.",
    mailSubject: "Your Churnwatch sign-in link",
    mailBody: ({ link, minutes }) => `Open this link to sign in to Churnwatch. It works once, for ${minutes} minutes:\n\n${link}\n\nIf you did not ask for it, ignore this email.`,
  },
  portfolio: {
    title: "Accounts at risk",
    filters: { region: "Region", tier: "Tier", level: "Level", owner: "Owner", search: "Search", any: "All", apply: "Apply" },
    columns: { account: "Account", score: "Risk score", level: "Level", trend: "Trend", revenueAtRisk: "Revenue at risk", owner: "Owner", answer: "Answer" },
    empty: "No account at risk matches.",
    next: "Next page",
    first: "First page",
    trendLabel: (points) => `Risk score trend: ${points}`,
    converted: (reporting, asOf) => `Ranked by revenue at risk converted to ${reporting} at the rates of ${asOf}; each account's own currency is shown below its amount.`,
    noRate: "not converted: no exchange rate",
  },
  account: {
    facts: { tier: "Tier", region: "Region", owner: "Owner", manager: "Manager", trailing: "Orders, last 12 months", revenueAtRisk: "Revenue at risk", evaluated: "Evaluated" },
    riskChart: "Risk score over time",
    riskChartLabel: ({ from, to, last }) => `Risk score from ${from} to ${to}; now ${last}`,
    spendChart: "Monthly spend against this account's usual month",
    spendChartLabel: (baseline) => `Monthly spend over the last 12 months; usual month ${baseline}`,
    baseline: "Usual month",
    noSpend: "No orders in the last 12 months.",
    openAlerts: "Open alerts",
    noAlerts: "No open alerts.",
    evidence: "Why",
    history: "Alert history",
    noHistory: "Nothing has happened to this account's alerts yet.",
    notes: "Notes",
    contacts: "Visits and calls",
    actions: {
      acknowledge: "Acknowledge",
      snooze: "Snooze",
      snoozeWeek: "1 week",
      snoozeMonth: "1 month",
      dismiss: "Not a risk",
      reason: "Reason",
      note: "Note",
      addNote: "Add note",
      logContact: "Log a visit or call",
      kind: "Kind",
      answered: "The customer responded",
      contactNote: "What was said",
      log: "Log it",
    },
    readOnly: "You can read this account; answering is for its account manager and their manager.",
    inReporting: (amount, asOf) => `≈ ${amount} at the rates of ${asOf}`,
    noRate: "not converted: no exchange rate",
    kinds: { visit: "Visit", call: "Call", meeting: "Meeting", email: "Email" },
  },
  answers: {
    acknowledge: (who, when) => `Acknowledged by ${who}, ${when}`,
    snooze: (who, when) => `Snoozed by ${who}, ${when}`,
    dismiss: (who, when) => `Not a risk, said ${who}, ${when}`,
  },
  unanswered: "Unanswered",
  inbox: { title: "My open alerts", empty: "No open alerts. Well done.", columns: { account: "Account", alert: "Alert", level: "Level", fired: "Fired", answer: "Answer" },
    bulk: {
      select: (what) => `Select ${what}`,
      action: "With the selected alerts",
      acknowledge: "Acknowledge (I'm on it)",
      snoozeWeek: "Snooze for a week",
      snoozeMonth: "Snooze for a month",
      apply: "Apply",
      saved: (n) => (n === 1 ? "1 alert answered." : `${n} alerts answered.`),
      noneSelected: "Select at least one alert.",
    },
  },
  transition: ({ type, rule, level, actor, note }) => fill(enTransition[type], { rule, level, actor: actorName(actor, "en") }) + (note ? `: “${note}”` : ""),
  errors: {
    notFound: "There is no such page, or it is not yours to see.",
    forbidden: "This is not yours to change.",
    badRequest: "The form was not complete: please try again.",
    signInFirst: "Please sign in first.",
    readOnly: "Your role reads the console; it does not answer alerts.",
  },
  saved: "Saved.",
};

const zh: ConsoleMessages = {
  appName: "Churnwatch 客户流失预警",
  nav: { portfolio: "客户组合", overview: "总览", inbox: "收件箱", queues: "队列", signOut: "退出登录", language: "English" },
  roles: { accountManager: "客户经理", manager: "经理", executive: "高管（只读）", operations: "运营（只读）" },
  signin: {
    title: "登录",
    intro: "请输入您的工作邮箱，我们会发送一个一次性登录链接。",
    email: "工作邮箱",
    send: "发送登录链接",
    sent: "如果该邮箱可以使用 Churnwatch，登录链接已发出。链接仅可使用一次，15分钟内有效。",
    confirmTitle: "完成登录",
    confirm: "登录",
    invalid: "该登录链接已使用或已过期，请重新获取。",
    mailSubject: "您的 Churnwatch 登录链接",
    mailBody: ({ link, minutes }) => `请打开以下链接登录 Churnwatch。链接仅可使用一次，${minutes}分钟内有效：\n\n${link}\n\n如果这不是您本人的操作，请忽略此邮件。`,
  },
  portfolio: {
    title: "风险客户",
    filters: { region: "区域", tier: "客户等级", level: "风险级别", owner: "负责人", search: "搜索", any: "全部", apply: "筛选" },
    columns: { account: "客户", score: "风险分", level: "级别", trend: "趋势", revenueAtRisk: "风险收入", owner: "负责人", answer: "处理情况" },
    empty: "没有符合条件的风险客户。",
    next: "下一页",
    first: "第一页",
    trendLabel: (points) => `风险分趋势：${points}`,
    converted: (reporting, asOf) => `按 ${asOf} 的汇率折算为 ${reporting} 后，按风险收入排序；各客户的原币金额显示在其下方。`,
    noRate: "未折算：缺少汇率",
  },
  account: {
    facts: { tier: "客户等级", region: "区域", owner: "负责人", manager: "经理", trailing: "近12个月订单额", revenueAtRisk: "风险收入", evaluated: "评估时间" },
    riskChart: "风险分变化",
    riskChartLabel: ({ from, to, last }) => `风险分，${from}至${to}；当前${last}`,
    spendChart: "月度采购额与该客户的常规月份对比",
    spendChartLabel: (baseline) => `近12个月的月度采购额；常规月份${baseline}`,
    baseline: "常规月份",
    noSpend: "近12个月没有订单。",
    openAlerts: "未关闭的预警",
    noAlerts: "没有未关闭的预警。",
    evidence: "原因",
    history: "预警记录",
    noHistory: "该客户的预警尚无记录。",
    notes: "备注",
    contacts: "走访与通话",
    actions: {
      acknowledge: "确认",
      snooze: "暂缓",
      snoozeWeek: "1周",
      snoozeMonth: "1个月",
      dismiss: "非风险",
      reason: "原因",
      note: "备注",
      addNote: "添加备注",
      logContact: "记录走访或通话",
      kind: "方式",
      answered: "客户有回应",
      contactNote: "沟通内容",
      log: "记录",
    },
    readOnly: "您可以查看该客户；处理预警由其客户经理和经理负责。",
    inReporting: (amount, asOf) => `按 ${asOf} 汇率约合 ${amount}`,
    noRate: "未折算：缺少汇率",
    kinds: { visit: "走访", call: "电话", meeting: "会议", email: "邮件" },
  },
  answers: {
    acknowledge: (who, when) => `${who}已确认，${when}`,
    snooze: (who, when) => `${who}已暂缓，${when}`,
    dismiss: (who, when) => `${who}标记为非风险，${when}`,
  },
  unanswered: "未处理",
  inbox: { title: "我的未关闭预警", empty: "没有未关闭的预警。", columns: { account: "客户", alert: "预警", level: "级别", fired: "触发时间", answer: "处理情况" },
    bulk: {
      select: (what) => `选择 ${what}`,
      action: "对所选预警",
      acknowledge: "确认（我来处理）",
      snoozeWeek: "暂缓一周",
      snoozeMonth: "暂缓一个月",
      apply: "执行",
      saved: (n) => `已答复 ${n} 条预警。`,
      noneSelected: "请至少选择一条预警。",
    },
  },
  transition: ({ type, rule, level, actor, note }) => fill(zhTransition[type], { rule, level, actor: actorName(actor, "zh-CN") }) + (note ? `：“${note}”` : ""),
  errors: {
    notFound: "页面不存在，或您无权查看。",
    forbidden: "您无权修改此内容。",
    badRequest: "表单不完整，请重试。",
    signInFirst: "请先登录。",
    readOnly: "您的角色只能查看，不能处理预警。",
  },
  saved: "已保存。",
};

export const consoleMessages: Record<Locale, ConsoleMessages> = { en, "zh-CN": zh };
