import type { Locale } from "@churnwatch/contracts";
import type { ActionKey } from "./actions.ts";
import { vocabulary, type Vocabulary } from "@churnwatch/explain";


export interface Messages extends Vocabulary {
  actions: Record<ActionKey, string>;
  subject: (p: { account: string; level: string; title: string; escalated: boolean; resolved?: boolean }) => string;
  ui: {
    greeting: (name: string) => string;
    scoreLine: (p: { level: string; score: string; when: string }) => string;
    /** The other alerts of the email: their level; the account's one score is in the headline already. */
    levelLine: (p: { level: string; when: string }) => string;
    escalated: string;
    account: string;
    evidence: string;
    columns: { signal: string; value: string; baseline: string; change: string };
    threshold: (value: string) => string;
    actions: string;
    open: string;
    linkExpires: (when: string) => string;
    footer: string;
    refs: string;
    /** Heading over the other alerts of the account that came in the same email. */
    alsoOnAccount: string;
    /** ": " or the full-width "：". */
    colon: string;
    /** Why this email, when it is not the first notice to the owner. */
    reasons: {
      repeat: string;
      resolved: string;
      toManager: (owner: string) => string;
      toExecutive: (owner: string) => string;
    };
    /** The recipient's answers, each a signed link. */
    answer: string;
    answerLinks: { acknowledge: string; snooze: string; dismiss: string };
    footerEscalated: string;
    complaints: string;
    summary: {
      subject: (p: { count: number; day: string }) => string;
      intro: (count: number) => string;
      why: { "low-level": string; budget: string };
    };
  };
}


const en: Messages = {
  ...vocabulary.en,
  actions: {
    call: "Call the account this week to understand what has changed: keep deep communication and confirm its service and benefit are guaranteed.",
    visit: "Visit the account in person within three working days and agree concrete next steps with its decision makers.",
    routine: "Put the account back on its visiting routine: agree the dates of the next regular visits with its contacts and keep to them.",
    greenChannel: "Open the green channel (priority service) so the account's open complaints are handled first and resolved fast.",
    survey: "Its satisfaction with how complaints are handled has fallen: run a satisfaction survey with its users and decision makers, and tell them what will change.",
    finance: "Ask finance to follow up on the overdue invoices and confirm a payment date with the account.",
    financeWithManager: "Follow up on the overdue invoices together with finance and agree a payment plan before credit terms are reviewed.",
    executive: "Strategic account: arrange executive contact between our leadership and the account's leadership.",
  },
  subject: ({ account, level, title, escalated, resolved }) =>
    resolved ? `[Churnwatch] Resolved · ${account}: ${title}` : `[Churnwatch] ${escalated ? `Escalated to ${level}` : level} risk · ${account}: ${title}`,
  ui: {
    greeting: (name) => (name ? `Hello ${name},` : "Hello,"),
    scoreLine: ({ level, score, when }) => `Risk level ${level}, detected ${when}. Account risk score ${score}/100: the chance in percent that it stops ordering in the next six months, the same in every digest and report.`,
    levelLine: ({ level, when }) => `Risk level ${level}, detected ${when}.`,
    escalated: "This alert was escalated since you were last notified.",
    account: "Account",
    evidence: "Evidence",
    columns: { signal: "Signal", value: "Current", baseline: "Baseline", change: "Change" },
    threshold: (value) => `threshold ${value}`,
    actions: "Suggested actions",
    open: "Open the account in Churnwatch",
    linkExpires: (when) => `This link expires on ${when}.`,
    footer: "You receive this email because you own this account in Churnwatch.",
    refs: "References",
    alsoOnAccount: "Also on this account",
    colon: ": ",
    reasons: {
      repeat: "Reminder: this alert is still open and nobody has acknowledged it yet.",
      resolved: "Good news: the signal has recovered and the alert is resolved. No action is needed.",
      toManager: (owner) => `Escalated to you: this strategic account's alert has not been acknowledged by ${owner || "its owner"}.`,
      toExecutive: (owner) => `Escalated to you as executive sponsor: this strategic account's alert is still unanswered by ${owner || "its owner"} and their manager.`,
    },
    answer: "Answer this alert",
    answerLinks: { acknowledge: "I'm on it", snooze: "Snooze", dismiss: "Not a risk" },
    footerEscalated: "You receive this email because an alert on a strategic account you oversee was not acknowledged in time.",
    complaints: "Latest complaints",
    summary: {
      subject: ({ count, day }) => `[Churnwatch] Daily summary for ${day}: ${count} alert${count === 1 ? "" : "s"} that did not interrupt you`,
      intro: (count) =>
        `${count} alert${count === 1 ? " was" : "s were"} kept for this summary instead of interrupting you: low-level signs, or more alerts than your daily budget.`,
      why: { "low-level": "low level", budget: "over your daily budget" },
    },
  },
};

const zh: Messages = {
  ...vocabulary["zh-CN"],
  actions: {
    call: "本周内致电客户，了解变化原因：保持深度沟通，确认服务质量和客户利益得到保证（一个沟通，两个保证）。",
    visit: "三个工作日内上门走访客户，与客户决策层商定具体的后续措施。",
    routine: "恢复对该客户的定期走访（走访制度）：与客户联系人约定后续走访日期，并按期执行。",
    greenChannel: "为该客户开通绿色通道（优先服务），优先处理并尽快解决未结投诉。",
    survey: "客户对投诉处理的满意度下降：向其使用人员和决策层开展满意度调查，并告知将做出的改进。",
    finance: "请财务跟进逾期发票，并与客户确认付款日期。",
    financeWithManager: "与财务一起跟进逾期发票，在调整信用条件之前与客户商定还款计划。",
    executive: "战略性大客户：安排我方高层与客户高层直接沟通。",
  },
  subject: ({ account, level, title, escalated, resolved }) =>
    resolved ? `【Churnwatch】已解除 · ${account}：${title}` : `【Churnwatch】${escalated ? `升级为${level}风险` : `${level}风险`} · ${account}：${title}`,
  ui: {
    greeting: (name) => (name ? `${name}，您好：` : "您好："),
    scoreLine: ({ level, score, when }) => `风险等级：${level}，发现时间 ${when}。客户风险评分 ${score}/100：未来六个月停止下单的概率（百分比），与各类报告中的评分一致。`,
    levelLine: ({ level, when }) => `风险等级：${level}，发现时间 ${when}。`,
    escalated: "自上次通知以来，该预警已升级。",
    account: "客户",
    evidence: "预警依据",
    columns: { signal: "指标", value: "当前值", baseline: "基线", change: "变化" },
    threshold: (value) => `阈值 ${value}`,
    actions: "建议措施",
    open: "在 Churnwatch 中查看该客户",
    linkExpires: (when) => `此链接有效期至 ${when}。`,
    footer: "您收到此邮件，是因为您是该客户在 Churnwatch 中的负责人。",
    refs: "参考编号",
    alsoOnAccount: "该客户的其他预警",
    colon: "：",
    reasons: {
      repeat: "提醒：该预警仍未解除，且尚无人确认处理。",
      resolved: "好消息：相关指标已恢复，预警已解除，无需采取措施。",
      toManager: (owner) => `升级通知：该战略性大客户的预警未被${owner || "负责人"}确认处理。`,
      toExecutive: (owner) => `升级通知（高层联系人）：该战略性大客户的预警仍未被${owner || "负责人"}及其上级处理。`,
    },
    answer: "处理该预警",
    answerLinks: { acknowledge: "我来处理", snooze: "暂缓提醒", dismiss: "不构成风险" },
    footerEscalated: "您收到此邮件，是因为您负责的战略性大客户的预警未被及时确认处理。",
    complaints: "最近的投诉",
    summary: {
      subject: ({ count, day }) => `【Churnwatch】${day} 预警日报：${count} 条未即时提醒的预警`,
      intro: (count) => `以下 ${count} 条预警未即时打扰您，汇总在此：低风险迹象，或超出您每日提醒上限的预警。`,
      why: { "low-level": "低风险", budget: "超出每日上限" },
    },
  },
};

export const catalogs: Record<Locale, Messages> = { en, "zh-CN": zh };
