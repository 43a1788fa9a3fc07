import type { Level, Locale, RuleId, Tier } from "@churnwatch/contracts";

/** The words every surface uses for levels, tiers and rules (emails, digests, the console), per locale. */
export interface Vocabulary {
  levels: Record<Level, string>;
  tiers: Record<Tier, string>;
  rules: Record<RuleId, { title: string; summary: string }>;
}

const en: Vocabulary = {
  levels: { low: "Low", medium: "Medium", high: "High", critical: "Critical" },
  tiers: { strategic: "Strategic key account", partner: "Partner key account", ordinary: "Ordinary key account" },
  rules: {
    "purchases.decline": { title: "Purchases declining", summary: "Purchases have dropped well below this account's usual level." },
    "purchases.silence": { title: "No recent orders", summary: "This account has not ordered for longer than its usual rhythm." },
    "purchases.narrowing": { title: "Buying fewer product lines", summary: "This account has stopped buying several of its usual product lines." },
    "payments.overdue": { title: "Overdue invoices", summary: "This account has invoices that are past due." },
    "payments.slipping": { title: "Payments slipping", summary: "This account is paying later than it used to." },
    "complaints.spike": { title: "Complaints rising", summary: "Complaints from this account are rising." },
    "contact.silence": {
      title: "No contact, no response",
      summary: "This account has been out of touch for longer than its usual rhythm and its visiting routine, or has left our calls unanswered.",
    },
  },
};

const zh: Vocabulary = {
  levels: { low: "低", medium: "中", high: "高", critical: "严重" },
  tiers: { strategic: "战略性大客户", partner: "伙伴式大客户", ordinary: "普通大客户" },
  rules: {
    "purchases.decline": { title: "采购下降", summary: "该客户的采购额明显低于其正常水平。" },
    "purchases.silence": { title: "长期未下单", summary: "该客户未下单的时间已超过其惯常周期。" },
    "purchases.narrowing": { title: "采购品类收窄", summary: "该客户已不再采购其多个常购品类。" },
    "payments.overdue": { title: "发票逾期", summary: "该客户有已逾期未付的发票。" },
    "payments.slipping": { title: "回款变慢", summary: "该客户的回款比以往更慢。" },
    "complaints.spike": { title: "投诉上升", summary: "该客户的投诉正在增加。" },
    "contact.silence": { title: "失去联系", summary: "该客户失联时间已超过其惯常的联系周期和走访周期，或多次未回应我方的联系。" },
  },
};

export const vocabulary: Record<Locale, Vocabulary> = { en, "zh-CN": zh };
