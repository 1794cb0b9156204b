import type { OutboxRenderers } from "./platform/outbox/renderers";
import { renderIntroRequested, renderIntrosPickedIntent, renderNewOverlapsIntent } from "./features/account-map/outbox";
import { renderAskAlertBatch, renderAskAlertIntent, renderAskDone, renderAskRequested } from "./features/asks/outbox";
import { renderReceiptIntent } from "./features/attribution/outbox";
import { renderDealCardIntent } from "./features/deals/outbox";
import { renderDisputeAdminDmIntent, renderDisputeAnswered, renderDisputeOpened } from "./features/disputes/outbox";
import {
  renderExtensionRequestIntent,
  renderRegistrationConflict,
  renderRegistrationExpiredIntent,
  renderRegistrationNoticeIntent,
  renderReviewIntent,
  renderReviewUpdateIntent,
} from "./features/registration/outbox";
import { renderStageChanged } from "./features/stages/outbox";
import { renderQuarterClosedIntent } from "./features/incentives/outbox";
import { renderCheckInPromptIntent, renderCheckInReminderIntent } from "./features/checkins/outbox";
import { renderQbrIntent } from "./features/qbr/outbox";
import { renderCrmAttributionNote } from "./features/crm/write-back";
import { renderCrmAdminNoticeIntent, renderCrmGapOverrideIntent } from "./features/crm/outbox";

// The outbox's registry: each intent kind (src/platform/outbox/intents.ts) → the renderer of the
// feature it belongs to. Wired here, at the app level, like the listeners (listeners.ts), so the
// platform imports no feature: main.ts, the playground and the tests hand it to
// startOutboxLoop / deliverOutbox. A kind without a renderer does not compile.

export const outboxRenderers: OutboxRenderers = {
  "deal.card": renderDealCardIntent,
  "attribution.receipt": renderReceiptIntent,
  "ask.alert": renderAskAlertIntent,
  "ask.escalationDm": renderAskAlertIntent,
  "ask.alertBatch": renderAskAlertBatch,
  "ask.escalationDmBatch": renderAskAlertBatch,
  "ask.requested": renderAskRequested,
  "ask.done": renderAskDone,
  "stage.changed": renderStageChanged,
  "registration.conflict": renderRegistrationConflict,
  "registration.review": renderReviewIntent,
  "registration.reviewUpdate": renderReviewUpdateIntent,
  "registration.notice": renderRegistrationNoticeIntent,
  "registration.expired": renderRegistrationExpiredIntent,
  "registration.extensionRequest": renderExtensionRequestIntent,
  "dispute.adminDm": renderDisputeAdminDmIntent,
  "dispute.opened": renderDisputeOpened,
  "dispute.answered": renderDisputeAnswered,
  "intro.requested": renderIntroRequested,
  "map.new-overlaps": renderNewOverlapsIntent,
  "intros.picked": renderIntrosPickedIntent,
  "quarter.closed": renderQuarterClosedIntent,
  "checkin.prompt": renderCheckInPromptIntent,
  "checkin.reminder": renderCheckInReminderIntent,
  "qbr.posted": renderQbrIntent,
  "crm.attributionNote": renderCrmAttributionNote,
  "crm.gapOverride": renderCrmGapOverrideIntent,
  "crm.adminNotice": renderCrmAdminNoticeIntent,
};
