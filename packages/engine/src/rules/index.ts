import type { RuleId } from "@churnwatch/contracts";
import { complaintsQuietUntil, complaintsSpike } from "./complaints.ts";
import { contactQuietUntil, contactSilence } from "./contact.ts";
import { declineQuietUntil, purchasesDecline } from "./decline.ts";
import { narrowingQuietUntil, purchasesNarrowing } from "./narrowing.ts";
import { overdueQuietUntil, paymentsOverdue } from "./overdue.ts";
import { purchasesSilence, silenceQuietUntil } from "./silence.ts";
import { paymentsSlipping, slippingQuietUntil } from "./slipping.ts";
import type { QuietBound, Rule } from "./types.ts";

export const rules: Record<RuleId, Rule> = {
  "purchases.decline": purchasesDecline,
  "purchases.silence": purchasesSilence,
  "purchases.narrowing": purchasesNarrowing,
  "payments.overdue": paymentsOverdue,
  "payments.slipping": paymentsSlipping,
  "complaints.spike": complaintsSpike,
  "contact.silence": contactSilence,
};

/** Per rule, how long it cannot fire with time alone (see QuietBound). */
export const quietBounds: Record<RuleId, QuietBound> = {
  "purchases.decline": declineQuietUntil,
  "purchases.silence": silenceQuietUntil,
  "purchases.narrowing": narrowingQuietUntil,
  "payments.overdue": overdueQuietUntil,
  "payments.slipping": slippingQuietUntil,
  "complaints.spike": complaintsQuietUntil,
  "contact.silence": contactQuietUntil,
};

export type { QuietBound, Rule, RuleContext, RuleOutcome } from "./types.ts";
