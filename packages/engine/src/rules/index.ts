import type { RuleId } from "@churnwatch/contracts";
import { complaintsSpike } from "./complaints.ts";
import { purchasesDecline } from "./decline.ts";
import { purchasesNarrowing } from "./narrowing.ts";
import { paymentsOverdue } from "./overdue.ts";
import { purchasesSilence } from "./silence.ts";
import { paymentsSlipping } from "./slipping.ts";
import type { Rule } from "./types.ts";

export const rules: Record<RuleId, Rule> = {
  "purchases.decline": purchasesDecline,
  "purchases.silence": purchasesSilence,
  "purchases.narrowing": purchasesNarrowing,
  "payments.overdue": paymentsOverdue,
  "payments.slipping": paymentsSlipping,
  "complaints.spike": complaintsSpike,
};

export type { Rule, RuleContext, RuleOutcome } from "./types.ts";
