import type { Locale, SignalId } from "@churnwatch/contracts";

type SignalLabel = (windowDays: number | undefined) => string;

const enWindow = (w: number | undefined) => (w ? ` in the last ${w} days` : "");
const zhWindow = (w: number | undefined) => (w ? `近${w}天` : "");

/** What each evidence signal is called, per locale; typed so a new engine signal cannot ship unnamed. */
export const signalLabels: Record<Locale, Record<SignalId, SignalLabel>> = {
  en: {
    "orders.value": (w) => `Order value${enWindow(w)}`,
    "orders.count": (w) => `Number of orders${enWindow(w)}`,
    "orders.daysSinceLast": () => "Days since the last order",
    "orders.quietChance": () => "Chance that an account still ordering as usual would be this quiet",
    "orders.categories": () => "Regular product lines bought in the latest orders",
    "orders.linesMissing": () => "Regular product lines missing (expected by chance)",
    "orders.averageValue": () => "Average value of the latest orders",
    "orders.grossMargin": (w) => `Gross margin on orders${enWindow(w)}`,
    "orders.cancelled": (w) => `Orders cancelled${enWindow(w)}`,
    "invoices.daysPastDue": () => "Days the oldest open invoice is past due",
    "invoices.usualDaysLate": () => "Usual days late on payment",
    "invoices.openOverdueAmount": () => "Overdue amount still open",
    "invoices.openOverdueCount": () => "Overdue invoices",
    "invoices.partPaidCount": () => "Overdue invoices paid only in part",
    "payments.meanDaysLate": (w) => `Average days late on payment${enWindow(w)}`,
    "payments.daysLaterThanUsual": () => "Days later than usual",
    "payments.invoicesPaid": (w) => `Invoices paid${enWindow(w)}`,
    "complaints.weighted": (w) => `Complaint points, weighted by severity${enWindow(w)}`,
    "complaints.count": (w) => `Complaints${enWindow(w)}`,
    "complaints.criticalUnresolvedDays": () => "Days a critical complaint has been unresolved",
    "complaints.repeats": (w) => `Complaints about the same thing${enWindow(w)}`,
    "complaints.unresolved": () => "Complaints still open",
    "complaints.oldestUnresolvedDays": () => "Days the oldest open complaint has waited",
    "complaints.satisfaction": (w) => `Satisfaction with complaint handling (1–5)${enWindow(w)}`,
  },
  "zh-CN": {
    "orders.value": (w) => `${zhWindow(w)}订单金额`,
    "orders.count": (w) => `${zhWindow(w)}订单数`,
    "orders.daysSinceLast": () => "距最近一次采购天数",
    "orders.quietChance": () => "照常采购的客户沉默这么久的概率",
    "orders.categories": () => "最近订单覆盖的常购品类数",
    "orders.linesMissing": () => "缺失的常购品类数（偶然缺失的预期值）",
    "orders.averageValue": () => "最近订单的平均金额",
    "orders.grossMargin": (w) => `${zhWindow(w)}订单毛利率`,
    "orders.cancelled": (w) => `${zhWindow(w)}取消的订单数`,
    "invoices.daysPastDue": () => "最早未付发票逾期天数",
    "invoices.usualDaysLate": () => "通常回款延迟天数",
    "invoices.openOverdueAmount": () => "未付逾期金额",
    "invoices.openOverdueCount": () => "逾期发票数",
    "invoices.partPaidCount": () => "仅部分付款的逾期发票数",
    "payments.meanDaysLate": (w) => `${zhWindow(w)}平均回款延迟天数`,
    "payments.daysLaterThanUsual": () => "比通常晚的天数",
    "payments.invoicesPaid": (w) => `${zhWindow(w)}已付发票数`,
    "complaints.weighted": (w) => `${zhWindow(w)}按严重程度加权的投诉分`,
    "complaints.count": (w) => `${zhWindow(w)}投诉数`,
    "complaints.criticalUnresolvedDays": () => "严重投诉未解决天数",
    "complaints.repeats": (w) => `${zhWindow(w)}同类问题重复投诉数`,
    "complaints.unresolved": () => "未解决的投诉数",
    "complaints.oldestUnresolvedDays": () => "最早未解决投诉已等待天数",
    "complaints.satisfaction": (w) => `${zhWindow(w)}投诉处理满意度（1–5分）`,
  },
};
