/** The fixed vocabularies accounts are drawn from. Emails use the reserved `.example` TLD. */
import type { Locale, Tier } from "@churnwatch/contracts";
import type { Rng } from "./prng.ts";

export interface Person {
  name: string;
  email: string;
}

export interface Region {
  name: string;
  timezones: readonly string[];
  currency: "CNY" | "USD" | "EUR";
  locale: Locale;
  /** Chinese-market accounts slow down around the Spring Festival. */
  springFestival: boolean;
  weight: number;
}

export const regions: readonly Region[] = [
  { name: "华东", timezones: ["Asia/Shanghai"], currency: "CNY", locale: "zh-CN", springFestival: true, weight: 26 },
  { name: "华南", timezones: ["Asia/Shanghai"], currency: "CNY", locale: "zh-CN", springFestival: true, weight: 18 },
  { name: "华北", timezones: ["Asia/Shanghai"], currency: "CNY", locale: "zh-CN", springFestival: true, weight: 14 },
  { name: "西南", timezones: ["Asia/Shanghai"], currency: "CNY", locale: "zh-CN", springFestival: true, weight: 7 },
  { name: "Hong Kong", timezones: ["Asia/Hong_Kong"], currency: "USD", locale: "en", springFestival: true, weight: 4 },
  {
    name: "North America",
    timezones: ["America/New_York", "America/Chicago", "America/Los_Angeles"],
    currency: "USD",
    locale: "en",
    springFestival: false,
    weight: 15,
  },
  {
    name: "Europe",
    timezones: ["Europe/Berlin", "Europe/Paris", "Europe/Amsterdam", "Europe/Madrid"],
    currency: "EUR",
    locale: "en",
    springFestival: false,
    weight: 12,
  },
  { name: "Southeast Asia", timezones: ["Asia/Singapore"], currency: "USD", locale: "en", springFestival: false, weight: 4 },
];

/** Key account managers: each looks after a book of accounts in the markets they speak for. */
export const owners: ReadonlyArray<Person & { locale: Locale }> = [
  { name: "李伟", email: "li.wei@seller.example", locale: "zh-CN" },
  { name: "王芳", email: "wang.fang@seller.example", locale: "zh-CN" },
  { name: "张敏", email: "zhang.min@seller.example", locale: "zh-CN" },
  { name: "Emily Carter", email: "emily.carter@seller.example", locale: "en" },
  { name: "David Mueller", email: "david.mueller@seller.example", locale: "en" },
  { name: "陈静", email: "chen.jing@seller.example", locale: "zh-CN" },
];

/** Sales managers above the account managers (optional on ordinary accounts). */
export const managers: readonly Person[] = [
  { name: "赵强", email: "zhao.qiang@seller.example" },
  { name: "Sarah Johnson", email: "sarah.johnson@seller.example" },
];

export const tierWeights: ReadonlyArray<readonly [Tier, number]> = [
  ["strategic", 0.12],
  ["partner", 0.3],
  ["ordinary", 0.58],
];

export const productCategories = [
  "bearings",
  "fasteners",
  "hydraulics",
  "electronics",
  "packaging",
  "lubricants",
  "sensors",
  "cables",
  "tooling",
  "safety-gear",
  "adhesives",
  "pneumatics",
] as const;

const zhCities = ["上海", "苏州", "杭州", "宁波", "深圳", "广州", "东莞", "北京", "天津", "成都", "重庆", "无锡"];
const zhCores = ["恒通", "鑫达", "宏发", "瑞丰", "锦程", "华信", "中科", "永盛", "汇川", "金桥", "博远", "启明"];
const zhTrades = ["精密机械", "电子科技", "化工", "物流", "医疗器械", "食品", "汽车零部件", "新能源", "包装材料"];
const zhSuffixes = ["有限公司", "股份有限公司", "集团有限公司"];
const enCores = ["Northwind", "Bluefield", "Redwood", "Atlas", "Meridian", "Harbor", "Summit", "Keystone", "Orion", "Pioneer", "Silverline", "Granite"];
const enTrades = ["Logistics", "Manufacturing", "Foods", "Retail", "Systems", "Components", "Medical", "Automotive", "Energy"];
const enSuffixes: Record<string, readonly string[]> = {
  "North America": ["Inc.", "LLC", "Corp."],
  Europe: ["GmbH", "B.V.", "S.A.", "AG"],
  default: ["Ltd.", "Pte. Ltd.", "Holdings"],
};

export function companyName(rng: Rng, region: Region): string {
  if (region.locale === "zh-CN") {
    return `${rng.pick(zhCities)}${rng.pick(zhCores)}${rng.pick(zhTrades)}${rng.pick(zhSuffixes)}`;
  }
  const suffixes = enSuffixes[region.name] ?? enSuffixes["default"] ?? ["Ltd."];
  return `${rng.pick(enCores)} ${rng.pick(enTrades)} ${rng.pick(suffixes)}`;
}

export const complaintCategories = ["delivery", "quality", "billing", "service", "pricing", "documentation"] as const;
export type ComplaintCategory = (typeof complaintCategories)[number];

/**
 * Texts as customers type them: untrusted, with `<`, `&` and quotes, so renderers must escape.
 * Placeholders: {po} {inv} {n} {pct} {batch}.
 */
const texts: Record<Locale, Record<ComplaintCategory, readonly string[]>> = {
  en: {
    delivery: [
      "Delivery for PO {po} arrived {n} days late & the pallet was damaged.",
      "Driver left the goods at the wrong dock <again>. Who signed for it?",
      "Shipment {po} is \"in transit\" for {n} days now.",
    ],
    quality: [
      "Batch {batch} failed incoming inspection (defect rate > {pct}%).",
      "Parts from {po} don't fit the spec we sent; see drawing rev. <C>.",
      "Same quality issue as last month & no 8D report yet.",
    ],
    billing: [
      "Invoice {inv} total doesn't match the PO - check the \"unit price\" field.",
      "We were billed twice for {po}. Please credit & re-issue.",
    ],
    service: [
      "Support didn't call back after {n} tickets. R&D says it's 'not their problem'.",
      "Portal shows <b>undefined</b> instead of the order status.",
    ],
    pricing: [
      "A competitor quoted {pct}% below your price for the same items.",
      "New price list is {pct}% up & nobody told our buyer.",
    ],
    documentation: ["Certificate of conformity missing for {po}.", "Packing list & invoice {inv} disagree on quantities."],
  },
  "zh-CN": {
    delivery: ["订单{po}延迟{n}天到货，包装破损 & 少货。", "物流又送错仓库了<第{n}次>，请核实签收人。"],
    quality: ["批次{batch}来料检验不合格（不良率>{pct}%）。", "和上个月同样的质量问题，\"8D报告\"至今没有。"],
    billing: ["发票{inv}金额与合同不符，请核对\"单价\"字段。", "订单{po}被重复开票，请红冲后重开。"],
    service: ["客服{n}次未回电，<紧急>请尽快处理！", "门户网站订单状态显示 <undefined>，无法跟踪。"],
    pricing: ["竞品报价比贵司低{pct}%，采购部要求重新报价。", "新价格表上涨{pct}% & 事先没有通知。"],
    documentation: ["订单{po}缺少合格证。", "装箱单与发票{inv}数量不一致。"],
  },
};

const escalations: Record<Locale, readonly string[]> = {
  en: [
    "This is complaint #{n} about the same problem & still no fix. Escalating to our VP.",
    "Unacceptable & it happened AGAIN. We are reviewing \"alternative suppliers\" <next quarter>.",
  ],
  "zh-CN": ["同一问题第{n}次投诉，仍未解决！已上报我方总经理。", "问题再次发生 & 无人跟进，我司正在评估<其他供应商>。"],
};

export function complaintText(
  rng: Rng,
  locale: Locale,
  category: ComplaintCategory,
  escalated: boolean,
  refs: { po: string; inv: string },
): string {
  const template = escalated ? rng.pick(escalations[locale]) : rng.pick(texts[locale][category]);
  return template
    .replace("{po}", refs.po)
    .replace("{inv}", refs.inv)
    .replace("{n}", String(rng.int(2, 6)))
    .replace("{pct}", String(rng.int(5, 30)))
    .replace("{batch}", `B${rng.int(1000, 9999)}`);
}

/** Spring Festival dates; the fallback keeps years outside the table roughly right. */
const springFestivalDates: Record<number, string> = {
  2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10",
  2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
  2030: "2030-02-03", 2031: "2031-01-23", 2032: "2032-02-11", 2033: "2033-01-31", 2034: "2034-02-19",
};

export function springFestivalMs(year: number): number {
  return Date.parse(`${springFestivalDates[year] ?? `${year}-02-05`}T00:00:00+08:00`);
}
