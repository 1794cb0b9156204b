import { beforeAll, describe, expect, it } from "vitest";
import { SIGNING_SECRET } from "../support/app";
import { createDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { postSigned } from "../support/signing";

const { t, p } = useTestApp({ seed: true }); // clock: 2026-11-16 10:00 UTC

describe("App Home", () => {
  beforeAll(async () => {
    const mine = await createDeal(t.db.prisma, p, { title: "Lakehouse migration", registeredBy: "U_REP" });
    await createDeal(t.db.prisma, p, { title: "Late one", expectedCloseDate: "2026-11-10", registeredBy: "U_REP" });
    await createDeal(t.db.prisma, p, { title: "Someone else's", registeredBy: "U_OTHER", relationshipOwnerUserId: "U_OTHER" });
    const base = { dealId: mine.dealId, slaHours: 24, createdAt: new Date("2026-11-14T10:00:00Z") };
    await t.db.prisma.ask.createMany({
      data: [
        {
          ...base,
          fromUserId: "U_ACME",
          ownerUserId: "U_REP",
          text: "Send the security questionnaire",
          dueAt: new Date("2026-11-15T10:00:00Z"),
          escalateAt: new Date("2026-11-16T10:00:00Z"),
        },
        {
          ...base,
          fromUserId: "U_ACME",
          ownerUserId: "U_REP",
          text: "Book the demo room",
          dueAt: new Date("2026-11-17T10:00:00Z"),
          escalateAt: new Date("2026-11-18T10:00:00Z"),
        },
        {
          ...base,
          fromUserId: "U_REP",
          ownerUserId: "U_ACME",
          text: "Need an SE for Thursday",
          dueAt: new Date("2026-11-17T12:00:00Z"),
          escalateAt: new Date("2026-11-18T12:00:00Z"),
        },
      ],
    });
  });

  const homeOpened = (eventId: string, user: string, retry?: number) =>
    postSigned(
      t.url,
      SIGNING_SECRET,
      JSON.stringify({
        token: "x",
        team_id: "T_OURS",
        api_app_id: "A_COSELL",
        type: "event_callback",
        event_id: eventId,
        event_time: 1,
        event: { type: "app_home_opened", user, channel: "D1", tab: "home", event_ts: "1.1" },
      }),
      "application/json",
      retry ? { retryNum: retry } : {},
    );

  it("shows overdue items, asks both ways and my open deals", async () => {
    const res = await homeOpened("Ev1", "U_REP");
    expect(res.status).toBe(200);
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.publish"));
    const call = t.fake.callsTo("views.publish")[0]!;
    expect(call.args.user_id).toBe("U_REP");
    const home = JSON.stringify(call.args.view);
    const overdue = home.slice(home.indexOf("Overdue"), home.indexOf("Asks you owe"));
    expect(overdue).toContain("Send the security questionnaire");
    expect(overdue).toContain("Late one");
    expect(overdue).not.toContain("Book the demo room");
    expect(home.slice(home.indexOf("Asks owed to you"))).toContain("Need an SE for Thursday");
    expect(home).toContain("Lakehouse migration");
    expect(home).not.toContain("Someone else");
    expect(home).toContain("Register deal");
  });

  it("a retried event (same event_id) is not processed twice", async () => {
    const before = t.fake.callsTo("views.publish").length;
    await homeOpened("Ev2", "U_REP");
    await t.fake.waitFor((c) => c.filter((x) => x.method === "views.publish").length === before + 1);
    await homeOpened("Ev2", "U_REP", 1);
    await t.settled(); // the retry went through Bolt (and was dropped), nothing left to deliver
    expect(t.fake.callsTo("views.publish").length).toBe(before + 1);
  });

  it("a person from an unrelated company sees a polite explanation and no deals", async () => {
    t.fake.users.set("U_STRANGER", { id: "U_STRANGER", team_id: "T_NOBODY" });
    await homeOpened("Ev3", "U_STRANGER");
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.publish" && x.args.user_id === "U_STRANGER"));
    const home = JSON.stringify(t.fake.callsTo("views.publish").find((x) => x.args.user_id === "U_STRANGER")!.args.view);
    expect(home).toContain("isn't one of them");
    expect(home).not.toContain("CS-");
  });
});
