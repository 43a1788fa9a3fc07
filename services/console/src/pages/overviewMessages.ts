import type { Locale } from "@churnwatch/contracts";

/** The executive overview's words, per locale (kept apart from the other pages' catalog, which is long already). */
export interface OverviewMessages {
  title: string;
  atRisk: string;
  byRegion: string;
  byTier: string;
  chartLabel: (what: string) => string;
  columns: { key: string; accounts: string; revenueAtRisk: string };
  unconverted: string;
  perCurrency: string;
  converted: (reporting: string, asOf: string) => string;
  week: { title: string; fired: string; escalated: string; resolved: string; none: string };
  quality: {
    title: string;
    intro: string;
    backtest: (from: string, to: string) => string;
    noBacktest: string;
    unreadable: (reason: string) => string;
    precision: string;
    baseRate: string;
    recall: string;
    lead: string;
    alertsPerAccountMonth: string;
    days: (n: number) => string;
    answersTitle: (days: number) => string;
    answersIntro: string;
    answerColumns: { rule: string; answered: string; acknowledged: string; snoozed: string; notARisk: string };
    noAnswers: string;
    notShown: string;
  };
  /** Beside each alert on the account page: how alerts of its rule have turned out. */
  track: {
    answers: (p: { answered: number; days: number; notARisk: number; share: string }) => string;
    noAnswers: (days: number) => string;
    backtest: (precision: string) => string;
  };
  empty: string;
}

const en: OverviewMessages = {
  title: "Overview",
  atRisk: "Accounts at risk by level",
  byRegion: "Revenue at risk by region",
  byTier: "Revenue at risk by tier",
  chartLabel: (what) => `${what}, as bars`,
  columns: { key: "Group", accounts: "Accounts at risk", revenueAtRisk: "Revenue at risk" },
  unconverted: "not converted: no exchange rate",
  perCurrency: "No reporting currency is configured, so each currency is summed on its own and there is no chart.",
  converted: (reporting, asOf) => `Amounts converted to ${reporting} at the rates of ${asOf}.`,
  week: { title: "The last 7 days", fired: "New alerts", escalated: "Escalated", resolved: "Recovered", none: "None." },
  quality: {
    title: "How good the warnings are",
    intro: "Measured on this company's own history: the latest backtest, and what account managers answered.",
    backtest: (from, to) => `Latest backtest, ${from} to ${to}`,
    noBacktest: "No backtest report is configured (BACKTEST_REPORT_PATH).",
    unreadable: (reason) => `The backtest report could not be read: ${reason}`,
    precision: "Precision (accounts warned that then defected)",
    baseRate: "base rate",
    recall: "Recall (defected accounts that were warned)",
    lead: "Median warning ahead of the defection",
    alertsPerAccountMonth: "Alerts per account and month",
    days: (n) => `${n} days`,
    answersTitle: (days) => `Answers to alerts, last ${days} days`,
    answersIntro: "Each alert counted once, by its latest answer. \"Not a risk\" is a false alarm in its owner's judgement.",
    answerColumns: { rule: "Rule", answered: "Answered", acknowledged: "Acknowledged", snoozed: "Snoozed", notARisk: "Not a risk" },
    noAnswers: "No alert has been answered in this period.",
    notShown: "Calibration is not shown: the backtest report does not measure it yet.",
  },
  track: {
    answers: ({ answered, days, notARisk, share }) => `Alerts of this kind: ${answered} answered in the last ${days} days, ${notARisk} of them marked not a risk (${share}).`,
    noAnswers: (days) => `No alert of this kind has been answered in the last ${days} days.`,
    backtest: (precision) => `In the latest backtest, ${precision} of the accounts such alerts warned about defected.`,
  },
  empty: "—",
};

const zh: OverviewMessages = {
  title: "总览",
  atRisk: "各风险级别的客户数",
  byRegion: "各区域风险收入",
  byTier: "各客户等级风险收入",
  chartLabel: (what) => `${what}（条形图）`,
  columns: { key: "分组", accounts: "风险客户数", revenueAtRisk: "风险收入" },
  unconverted: "未折算：缺少汇率",
  perCurrency: "未配置报表币种，各币种分别汇总，因此不显示图表。",
  converted: (reporting, asOf) => `金额按 ${asOf} 的汇率折算为 ${reporting}。`,
  week: { title: "最近 7 天", fired: "新预警", escalated: "已升级", resolved: "已恢复", none: "无。" },
  quality: {
    title: "预警的准确度",
    intro: "基于本公司自己的历史数据：最近一次回测，以及客户经理的答复。",
    backtest: (from, to) => `最近一次回测：${from} 至 ${to}`,
    noBacktest: "未配置回测报告（BACKTEST_REPORT_PATH）。",
    unreadable: (reason) => `无法读取回测报告：${reason}`,
    precision: "精确率（收到预警后确实流失的客户占比）",
    baseRate: "基准流失率",
    recall: "召回率（流失客户中事先收到预警的占比）",
    lead: "预警提前于流失的中位天数",
    alertsPerAccountMonth: "每客户每月预警数",
    days: (n) => `${n} 天`,
    answersTitle: (days) => `最近 ${days} 天对预警的答复`,
    answersIntro: "每条预警按其最新答复计一次。“不构成风险”即负责人判断为误报。",
    answerColumns: { rule: "规则", answered: "已答复", acknowledged: "已确认", snoozed: "已暂缓", notARisk: "不构成风险" },
    noAnswers: "此期间内没有预警得到答复。",
    notShown: "暂不显示校准度：回测报告尚未衡量该项。",
  },
  track: {
    answers: ({ answered, days, notARisk, share }) => `同类预警：最近 ${days} 天有 ${answered} 条得到答复，其中 ${notARisk} 条被标记为不构成风险（${share}）。`,
    noAnswers: (days) => `最近 ${days} 天内没有同类预警得到答复。`,
    backtest: (precision) => `在最近一次回测中，此类预警所提示的客户有 ${precision} 确实流失。`,
  },
  empty: "—",
};

export const overviewMessages: Record<Locale, OverviewMessages> = { en, "zh-CN": zh };
