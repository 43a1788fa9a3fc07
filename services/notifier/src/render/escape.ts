// The escapers live with the other shared rendering helpers; the notifier's modules import them from here.
export { escapeHtml, headerSafe } from "@churnwatch/explain";
