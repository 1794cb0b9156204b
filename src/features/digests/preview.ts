import type { Tx } from "../../platform/db/client";
import { UserError } from "../../platform/errors";
import { renderManagerDigest, renderPairingDigest } from "./render";
import { loadDigestProgram, loadManagerDigest, loadPairingDigests, matchPairing, trailingWeek } from "./load";
import { digestToText } from "./text";
import { nextSlot } from "./schedule";
import { loadCheckInSections, loadParticipation } from "../checkins/checkins";

// The digests as text, straight from the database (the CLI's `digest --preview` and the demo):
// the same messages the scheduler posts, over the 7 days before `now`.

export interface PreviewOptions {
  now: Date;
  /** a pairing's name (exact, any case, or an unambiguous start) */
  pairing?: string;
  /** the manager digest (the default when no pairing is named) */
  manager?: boolean;
  fallbackTimezone?: string;
}

export async function previewDigests(db: Tx, opts: PreviewOptions): Promise<string> {
  const program = await loadDigestProgram(db, opts.fallbackTimezone);
  const window = trailingWeek(opts.now);
  // The check-ins shown are those of the next digest (answered so far).
  const { week } = nextSlot(opts.now, { timezone: program.timezone, weekday: program.digestWeekday, hour: program.digestHour });
  const parts: string[] = [];
  const manager = opts.manager || !opts.pairing;
  if (manager) {
    const data = await loadManagerDigest(db, { now: opts.now, window, fallbackTimezone: program.timezone });
    data.checkIns = await loadParticipation(db, week);
    parts.push(digestToText(renderManagerDigest(data)));
  }
  if (opts.pairing) {
    const pairings = await db.pairing.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
    const found = matchPairing(pairings, opts.pairing);
    if (!found) throw new UserError(`There is no pairing called "${opts.pairing}". Pairings: ${pairings.map((p) => `"${p.name}"`).join(", ") || "none"}.`);
    if ("ambiguous" in found)
      throw new UserError(`"${opts.pairing}" could be ${found.ambiguous.map((p) => `"${p.name}"`).join(" or ")}; give more of the name.`);
    const [data] = await loadPairingDigests(db, { now: opts.now, window, timezone: program.timezone, pairingIds: [found.id] });
    if (data) {
      data.checkIn = (await loadCheckInSections(db, { week, pairingIds: [found.id] })).get(found.id) ?? null;
      parts.push(digestToText(renderPairingDigest(data)));
    }
  }
  return parts.join("\n");
}
