import type { AnswerForm, CheckInSection } from "./checkins";
import { LIMITS, type CheckInQuestions } from "./rules";
import { ACTION, CALLBACK, CHECKIN_BLOCK as B, INPUT } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { slackDate } from "../../platform/slack/format";
import { modalView, option, textInput } from "../../platform/slack/inputs";
import { joinMrkdwn, mention, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeMessage, type SafeModalView, type SlackText } from "../../platform/slack/mrkdwn";

// Block Kit for check-ins: the prompt (DM or channel), the reminder, the answer form and the
// digest's "From the team" section. Pure functions of plain data.

const answerButton = (roundId: string, label = "Answer check-in") => ({
  type: "actions" as const,
  block_id: "checkin_actions",
  elements: [
    { type: "button" as const, text: { type: "plain_text" as const, text: label }, action_id: ACTION.checkInAnswer, value: roundId, style: "primary" as const },
  ],
});

function questionLines(q: CheckInQuestions): SlackText {
  return joinMrkdwn(q.map((x, i) => mrkdwn`${i + 1}. ${truncate(x, LIMITS.question)}`));
}

export interface PromptData {
  roundId: string;
  pairingName: string;
  digestAt: Date;
  questions: CheckInQuestions;
  /** channel prompt: the partners' people asked (mentioned once); a DM: empty */
  mentions: string[];
  reminder: boolean;
}

/** The prompt or the reminder: a DM to one of our people, or the one message in the pairing channel. */
export function renderCheckInPrompt(d: PromptData): SafeMessage & { blocks: SafeBlock[] } {
  const when = slackDate(d.digestAt, "{date_short_pretty} at {time}");
  const who =
    d.mentions.length > 0
      ? mrkdwn`${joinMrkdwn(
          d.mentions.map((u) => mention(u)),
          ", ",
        )}: `
      : "";
  const text = d.reminder
    ? mrkdwn`⏰ ${who}the ${d.pairingName} digest goes out ${when}; your check-in is still open. Two minutes, three questions.`
    : mrkdwn`📝 ${who}weekly check-in for ${d.pairingName}: three short questions for the digest ${when}.`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(joinMrkdwn([text, questionLines(d.questions)]), 3000) } },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: mrkdwn`A blocker that names a person becomes an ask with their response time; an intro becomes a Request intro ask. You can edit your answer until the digest goes out.`,
          },
        ],
      },
      answerButton(d.roundId, d.reminder ? "Answer now" : "Answer check-in"),
    ],
  };
}

export function buildCheckInModal(f: AnswerForm): SafeModalView {
  const [q1, q2, q3] = f.round.questions;
  const a = f.answer;
  const options = f.deals.map((d) => option(d.id, `CS-${d.ref} · ${d.accountName} · ${d.title}`));
  const initialDeal = options.find((o) => o.value === a?.dealId);
  const blocks: SafeBlock[] = [
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: mrkdwn`*${f.round.pairing.name}* · for the digest ${slackDate(f.round.digestAt, "{date_short_pretty} at {time}")}. Your answers go into this pairing's digest, in its channel shared with the partners: keep internal notes out.`,
        },
      ],
    },
    {
      type: "input",
      block_id: B.deal,
      optional: true,
      label: { type: "plain_text", text: "Which deal" },
      hint: { type: "plain_text", text: "Needed for a blocker or an intro: the ask goes on this deal." },
      element: {
        type: "static_select",
        action_id: INPUT,
        placeholder: { type: "plain_text", text: options.length > 0 ? "Pick a deal" : "No open deals" },
        options: options.length > 0 ? options : [option("none", "No open deals in this pairing")],
        ...(initialDeal ? { initial_option: initialDeal } : {}),
      },
    },
    textInput(B.moved, truncate(q1, LIMITS.question), { optional: true, multiline: true, max: LIMITS.moved, initial: a?.moved }),
    textInput(B.blocked, truncate(q2, LIMITS.question), { optional: true, multiline: true, max: LIMITS.blocked, initial: a?.blocked }),
    {
      type: "input",
      block_id: B.blocker,
      optional: true,
      label: { type: "plain_text", text: "Who do you need?" },
      hint: { type: "plain_text", text: "They get an ask on the deal, with their response time." },
      element: { type: "users_select", action_id: INPUT, ...(a?.blockerUserId ? { initial_user: a.blockerUserId } : {}) },
    },
    textInput(B.intro, truncate(`${q3} Intro to which account?`, LIMITS.question), {
      optional: true,
      max: LIMITS.intro,
      initial: a?.introAccount,
      placeholder: "e.g. the CFO at Fabrikam",
    }),
  ];
  return modalView({ callbackId: CALLBACK.checkInAnswer, title: "Weekly check-in", submit: a ? "Update" : "Send", metadata: { roundId: f.round.id } }, blocks);
}

/** The digest's "From the team": answers grouped by deal (open blockers first), then who didn't answer, by organization. */
export function checkInDigestSection(s: CheckInSection): { heading: SlackText; lines: SlackText[]; note?: SlackText } {
  const lines: SlackText[] = [];
  for (const g of s.groups) {
    lines.push(g.deal ? mrkdwn`*CS-${g.deal.ref}* · ${truncate(g.deal.title, 80)}${g.openBlocker ? " 🚧" : ""}` : mrkdwn`*Not about one deal*`);
    for (const a of g.answers) {
      const parts: SlackText[] = [];
      if (a.blocked) {
        const need = a.blockerUserId ? mrkdwn` → needs ${mention(a.blockerUserId)}${a.blockerOpen ? " (ask open)" : " (done)"}` : "";
        parts.push(mrkdwn`🚧 ${truncate(a.blocked, 200)}${need}`);
      }
      if (a.moved) parts.push(mrkdwn`moved: ${truncate(a.moved, 200)}`);
      if (a.introAccount) parts.push(mrkdwn`intro wanted: ${truncate(a.introAccount, 100)}`);
      lines.push(mrkdwn`• ${mention(a.userId)}${a.orgName ? ` (${a.orgName})` : ""}: ${joinMrkdwn(parts, " · ")}`);
    }
  }
  const rate = s.participation.map((p) => mrkdwn`${p.orgName} ${p.answered}/${p.asked}`);
  const missing = s.participation
    .filter((p) => p.missing.length > 0)
    .map(
      (p) =>
        mrkdwn`${p.orgName}: ${joinMrkdwn(
          p.missing.map((u) => mention(u)),
          ", ",
        )}`,
    );
  return {
    heading: mrkdwn`From the team (check-in answers: ${joinMrkdwn(rate, " · ")})`,
    lines,
    ...(missing.length > 0 ? { note: mrkdwn`Asked, no answer — ${joinMrkdwn(missing, " · ")}` } : {}),
  };
}
