import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Playground } from "../../dev/playground/server";
import {
  actAs,
  choose,
  dealCard,
  field,
  HAS_CHROMIUM,
  jsErrors,
  launchBrowser,
  message,
  MISSING_CHROMIUM,
  modal,
  openChannel,
  openPage,
  partnerRegistersFromPanel,
  startTestPlayground,
  type,
} from "./support";

// The playground end to end in a real browser: the page → the playground's Slack → signed
// requests into the real app → Web API calls back into the playground's Slack → the page.

if (!HAS_CHROMIUM) console.warn(`[browser tests] skipped: ${MISSING_CHROMIUM}`);

describe.skipIf(!HAS_CHROMIUM)("the playground in a browser", () => {
  let pg: Playground;
  let browser: Browser;
  let page: Page;
  const PAIRING = "northwind-acme-globex";

  beforeAll(async () => {
    // The first start seeds the demo program (~60 deals) and delivers its history.
    // The clock starts on the demo's documented day (docs/demo.md), so the seeded program (its
    // closed quarter, bonuses and tier proposals) is the same at every run.
    const pinned = Date.parse("2026-11-16T15:00:00Z");
    const started = Date.now();
    [pg, browser] = await Promise.all([startTestPlayground({ now: () => new Date(pinned + (Date.now() - started)) }), launchBrowser()]);
    page = await openPage(browser, pg.url, { as: "U0NWREP1" });
  });
  afterAll(async () => {
    await browser?.close();
    await pg?.stop();
  });

  it("opens on the seeded program: the pairing channel is shared (Slack Connect) and shows the seeded deal cards", async () => {
    await openChannel(page, PAIRING);
    await expect.poll(() => page.locator(".channel-header").innerText()).toMatch(/Shared with Acme Data, Globex Systems/);
    // Six months of history: the demo's deal cards, posted when each deal was registered.
    await expect.poll(() => page.locator("#messages .msg .bk-header").count()).toBeGreaterThan(10);
    await expect.poll(() => page.locator("#messages .day").count()).toBeGreaterThan(5);
    await expect.poll(() => page.locator(".banner").innerText()).toMatch(/local playground[\s\S]*SLACK_BOT_TOKEN/);
  });

  it("answers /cosell help inline, only for the person who ran it", async () => {
    await type(page, "/cosell help");
    const help = message(page, "/cosell new");
    await help.waitFor();
    await expect.poll(() => help.innerText()).toContain("Only visible to you");
  });

  it("registers a deal through the modal: Slack's required-field check, the app's field errors, then the card in the pairing channel", async () => {
    await type(page, "/cosell new Fabrikam");
    const form = modal(page, "Register co-sell deal");
    await form.waitFor();
    await expect.poll(() => field(page, "account_name").locator("input").inputValue()).toBe("Fabrikam");
    // Slack itself refuses an empty required field before the app hears of it.
    await form.getByRole("button", { name: "Register" }).click();
    await expect.poll(() => field(page, "account_domain").innerText()).toContain("Please complete this required field.");

    await field(page, "account_domain").locator("input").fill("fabrikam.example");
    await field(page, "deal_title").locator("input").fill("Lakehouse migration");
    await field(page, "deal_amount").locator("input").fill("a lot");
    await field(page, "close_date").locator("input").fill("2027-06-30");
    await choose(field(page, "role_SOURCING"), "Acme Data");
    await choose(field(page, "role_SELLING"), "Northwind Cloud (us)");
    await choose(field(page, "relationship_owner"), "Ravi Rep");
    await form.getByRole("button", { name: "Register" }).click();
    // The app answers response_action: "errors": the message lands under the amount.
    await expect.poll(() => field(page, "deal_amount").locator(".field-error").innerText()).toMatch(/amount/i);
    await expect.poll(() => field(page, "deal_title").locator("input").inputValue()).toBe("Lakehouse migration");

    await field(page, "deal_amount").locator("input").fill("250k");
    await form.getByRole("button", { name: "Register" }).click();
    await form.waitFor({ state: "detached" });
    const card = dealCard(page, "Lakehouse migration");
    await card.waitFor();
    await expect.poll(() => card.innerText()).toMatch(/\$250,000\.00[\s\S]*Registered/);
    await message(page, /Registered CS-\d+ · Lakehouse migration/).waitFor();
  });

  it("refuses a partner person's slash command as Slack does, without asking the app", async () => {
    await actAs(page, "Priya Partner");
    await openChannel(page, PAIRING);
    const before = pg.fake.calls.length;
    await type(page, "/cosell list");
    const refusal = message(page, "is not a valid command");
    await refusal.waitFor();
    await expect.poll(() => refusal.innerText()).toMatch(/Slackbot[\s\S]*Only visible to you[\s\S]*not in Acme Data's/);
    expect(pg.fake.calls.slice(before).map((c) => c.method)).not.toContain("views.open");
  });

  it("lets the partner rep log a touchpoint through the card's button; the click carries the partner's own team", async () => {
    const card = dealCard(page, "Lakehouse migration");
    await card.getByRole("button", { name: "Log touchpoint" }).click();
    const form = modal(page, "Log touchpoint");
    await form.waitFor();
    await expect.poll(() => form.innerText()).toContain("Counts for Acme Data");
    await choose(field(page, "tp_type"), "Demo");
    await field(page, "tp_note").locator("textarea").fill("Ran the connector demo for the Fabrikam data team.");
    await form.getByRole("button", { name: "Log" }).click();
    await form.waitFor({ state: "detached" });
    await message(page, "Logged a demo for Acme Data").waitFor();
    await expect.poll(() => card.innerText()).toContain("1 touchpoint");
  });

  it("closes the deal through Change stage and posts the attribution receipt in the card's thread", async () => {
    await actAs(page, "Ravi Rep");
    await openChannel(page, PAIRING);
    const card = dealCard(page, "Lakehouse migration");
    await card.getByRole("button", { name: "Change stage" }).click();
    const form = modal(page, "Change stage");
    await form.waitFor();
    await choose(field(page, "stage_to"), "Closed won");
    const gaps = field(page, "stage_confirm_gaps");
    if (await gaps.count()) await gaps.locator("input[type=checkbox]").check();
    await form.getByRole("button", { name: "Move" }).click();
    await form.waitFor({ state: "detached" });
    await expect.poll(() => card.innerText(), { timeout: 20_000 }).toContain("Closed won");
    await card.locator(".replies").click();
    const thread = page.locator("#thread");
    await thread.locator(".msg", { hasText: "Attribution · CS-" }).waitFor();
    await expect.poll(() => thread.innerText()).toMatch(/Acme Data[\s\S]*credit/);
  });

  it("opens the App Home: app_home_opened → views.publish", async () => {
    await page.locator(`.sidebar .nav-item[data-channel="app:home"]`).click();
    const home = page.locator("#messages .home");
    await home.waitFor();
    await expect.poll(() => home.innerText()).toContain("Your co-sell deals");
    await expect.poll(() => home.innerText()).toMatch(/My open deals \(\d+\)[\s\S]*CS-\d+/);
    expect(pg.fake.callsTo("views.publish").map((c) => c.args.user_id)).toContain("U0NWREP1");
  });

  it("shows the app's direct messages to the person (DMs sent to their user ID)", async () => {
    await page.locator(`.sidebar .nav-item[data-channel="app:messages"]`).click();
    await expect.poll(() => page.locator(".channel-header").innerText()).toContain("Messages");
    await expect.poll(() => page.locator("#messages .msg").count()).toBeGreaterThan(0);
  });

  it("logs any message as a touchpoint through the message shortcut (its text and permalink come along)", async () => {
    await page.locator(".sidebar .nav-item", { hasText: PAIRING }).click();
    await type(page, "Great call with the Northwind CTO: they want the Acme connector in the POC.");
    const said = message(page, "Great call with the Northwind CTO");
    await said.waitFor();
    await said.hover();
    await said.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: /Log as co-sell touchpoint/ }).click();
    const form = modal(page, "Log touchpoint");
    await form.waitFor();
    await expect.poll(() => field(page, "tp_note").locator("textarea").inputValue()).toContain("Great call with the Northwind CTO");
    await expect.poll(() => form.innerText()).toContain("From this Slack message");
    const deal = field(page, "tp_deal").locator("select");
    if (!(await deal.inputValue())) await deal.selectOption({ index: 1 });
    const ref = (await deal.locator("option:checked").innerText()).split(" ")[0]!;
    await choose(field(page, "tp_type"), "Meeting");
    await form.getByRole("button", { name: "Log" }).click();
    await form.waitFor({ state: "detached" });
    await message(page, `Logged a meeting for Northwind Cloud on ${ref}`).waitFor();
    const tp = await pg.deps.db.prisma.touchpoint.findFirstOrThrow({ where: { note: { contains: "Northwind CTO" } } });
    expect(tp.messageLink).toMatch(/^https:\/\/playground\.slack\.com\/archives\/C0DEMOACMEGLOBEX\/p\d+$/);
  });

  it("opens the registration modal from the global shortcut; picking another pairing refreshes the organizations (views.update)", async () => {
    await openChannel(page, "partner-managers");
    await page.getByRole("button", { name: /Shortcuts/ }).click();
    await page.getByRole("menuitem", { name: "Register co-sell deal" }).click();
    const form = modal(page, "Register co-sell deal");
    await form.waitFor();
    await choose(field(page, "pairing"), "Northwind + Initech");
    await expect.poll(() => field(page, "role_SELLING").locator("select option").allInnerTexts()).toContain("Initech Resale");
    await expect.poll(() => field(page, "role_SELLING").locator("select option").allInnerTexts()).not.toContain("Acme Data");
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "detached" });
  });

  it("answers a click from someone of an unrelated company politely, only to them", async () => {
    await actAs(page, "Sam Stranger");
    await openChannel(page, PAIRING);
    await page
      .locator("#messages .msg")
      .filter({ has: page.getByRole("button", { name: "Log touchpoint" }) })
      .last()
      .getByRole("button", { name: "Log touchpoint" })
      .click();
    const refusal = message(page, "your Slack workspace isn't one of them");
    await refusal.waitFor();
    await expect.poll(() => refusal.innerText()).toContain("Only visible to you");
    await expect(modal(page).count()).resolves.toBe(0);
  });

  it("runs the scheduled jobs on a button: the weekly digests land in the manager channel, with the chart uploaded by files.uploadV2", async () => {
    await actAs(page, "Ada Admin");
    await page.getByRole("button", { name: /Scheduled jobs/ }).click();
    await page.getByRole("menuitem", { name: "Run SLA sweep now" }).click();
    await page.locator(".toast", { hasText: "SLA sweep:" }).waitFor();
    await page.getByRole("button", { name: /Scheduled jobs/ }).click();
    await page.getByRole("menuitem", { name: "Run weekly digests now" }).click();
    await page.locator(".toast", { hasText: "Weekly digests:" }).waitFor({ timeout: 60_000 });
    await openChannel(page, "partner-managers");
    const digest = message(page, "Co-sell program digest");
    await digest.waitFor();
    await digest.locator(".replies").click();
    const chart = page.locator("#thread .file img");
    await chart.waitFor();
    await expect.poll(() => chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
  });

  it("runs the registration lifecycle: Priya registers from the panel, Ada reviews in her DM, the clock brings the warning and the expiry", async () => {
    await partnerRegistersFromPanel(page, PAIRING, { account: "Tailspin Toys", domain: "tailspin.example", title: "Analytics for stores" });
    const card = dealCard(page, "Analytics for stores");
    await expect.poll(() => card.innerText(), { timeout: 20_000 }).toContain("Pending review");

    // Ada's review DM, with the buttons; Approve updates it in place.
    await actAs(page, "Ada Admin");
    await page.locator(`.sidebar .nav-item[data-channel="app:messages"]`).click();
    const review = message(page, "Registration to review");
    await review.filter({ hasText: "Analytics for stores" }).last().waitFor();
    const dm = review.filter({ hasText: "Analytics for stores" }).last();
    await dm.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => dm.innerText(), { timeout: 20_000 }).toMatch(/Approved\s+by/);
    await openChannel(page, PAIRING);
    await expect.poll(() => card.innerText(), { timeout: 20_000 }).toContain("protected until");

    // 76 days later the sweep warns Priya, with Request extension; at 90 days the registration expires.
    const clock = async (label: string, times = 1) => {
      for (let i = 0; i < times; i++) {
        const before = await page.locator("#clock").innerText();
        await page.getByRole("button", { name: /Scheduled jobs/ }).click();
        await page.getByRole("menuitem", { name: label }).click();
        await expect.poll(() => page.locator("#clock").innerText()).not.toBe(before);
      }
    };
    const sweep = async () => {
      await page.getByRole("button", { name: /Scheduled jobs/ }).click();
      await page.getByRole("menuitem", { name: "Run SLA sweep now" }).click();
      await page.locator(".toast", { hasText: "SLA sweep:" }).last().waitFor();
    };
    await clock("+30 days", 2);
    await clock("+1 week", 2);
    await clock("+1 day", 2);
    await sweep();
    // Priya's DM (she is U0ACMEREP): the warning with its button.
    const warnings = () =>
      pg.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === "U0ACMEREP" && /Analytics for stores.* ends on/.test(String(c.args.text)));
    await expect.poll(() => warnings().length, { timeout: 20_000 }).toBe(1);
    expect(JSON.stringify(warnings()[0]!.args.blocks)).toContain("Request extension");
    await clock("+1 week", 2);
    await sweep();
    await openChannel(page, PAIRING);
    await message(page, /Registration CS-\d+ · Analytics for stores .* expired/).waitFor({ timeout: 20_000 });
    await expect.poll(() => card.innerText(), { timeout: 20_000 }).toContain("Expired");
  });

  it("shows the incentives: Ada confirms a tier from the quarter close DM and approves last quarter's bonuses", async () => {
    await actAs(page, "Ada Admin");
    await page.locator(`.sidebar .nav-item[data-channel="app:messages"]`).click();
    const dm = message(page, "Quarter close · 2026-Q3").last();
    await dm.waitFor({ timeout: 20_000 });
    await expect.poll(() => dm.innerText()).toMatch(/Acme Data: 4 co-sell wins → \$5,000\.00 bonus/);
    await dm.getByRole("button", { name: "Confirm Gold" }).click();
    await expect.poll(() => dm.innerText(), { timeout: 20_000 }).toMatch(/Confirmed Gold\s+by/);
    await expect.poll(() => dm.innerText()).toMatch(/Confirm Silver/); // Globex's proposal still waits

    await openChannel(page, "partner-managers");
    await type(page, "/cosell payouts 2026-Q3");
    const list = message(page, "Payouts · 2026-Q3").last();
    await list.waitFor();
    await expect.poll(() => list.innerText()).toMatch(/Paid: \d+/);
    await list.getByRole("button", { name: /Approve all 2 \(\$10,000\.00\)/ }).click();
    await expect.poll(() => list.innerText(), { timeout: 20_000 }).toMatch(/Approved: 2 · \$10,000\.00/);
    expect(await pg.deps.db.prisma.payoutLine.count({ where: { kind: "BONUS", status: "APPROVED" } })).toBe(2);
  });

  it("maps accounts from the sample CSVs: Ada imports both lists, the new overlaps are posted, and she picks some to pursue", async () => {
    await actAs(page, "Ada Admin");
    await openChannel(page, "partner-managers");
    const importList = async (org: string, file: string) => {
      await type(page, "/cosell map import");
      const form = modal(page, "Import account list");
      await form.waitFor();
      await choose(field(page, "map_import_org"), org);
      await choose(field(page, "map_import_status"), /Both/);
      await field(page, "map_import_file").locator("input[type=file]").setInputFiles(path.join("samples", file));
      await form.getByRole("button", { name: "Import" }).click();
      await form.waitFor({ state: "detached" });
    };
    await importList("Northwind Cloud (us)", "northwind-cloud-accounts.csv");
    await importList("Acme Data", "acme-data-accounts.csv");
    await expect.poll(() => pg.deps.db.prisma.account.count({ where: { list: { org: { name: "Acme Data" } } } }), { timeout: 20_000 }).toBe(16);

    await openChannel(page, PAIRING);
    const alert = message(page, "new overlaps").last();
    await alert.waitFor({ timeout: 20_000 });
    await expect.poll(() => alert.innerText()).toMatch(/added 9 new overlaps between Northwind Cloud and Acme Data: 3 customers of both/);
    await alert.getByRole("button", { name: "Pick 5 to pursue" }).click();
    const picker = modal(page, "Pick 5 to pursue");
    await picker.waitFor();
    await choose(field(page, "map_pick_accounts"), /Contoso Pharma/);
    await choose(field(page, "map_pick_accounts"), /Woodgrove Insurance/);
    await picker.getByRole("button", { name: "Pursue" }).click();
    await picker.waitFor({ state: "detached" });
    // The channel is shared with two partners: the post counts, the names stay in the map.
    const picked = message(page, "picked 2 accounts").last();
    await picked.waitFor({ timeout: 20_000 });
    await expect.poll(() => picked.innerText()).not.toContain("Contoso");
    expect(await pg.deps.db.prisma.introRequest.count({ where: { source: "overlap-alert" } })).toBe(2);

    await type(page, "/cosell map Acme Data");
    const map = message(page, "Account map · Acme Data").last();
    await map.waitFor();
    await expect.poll(() => map.innerText()).toMatch(/Top 9 shared accounts[\s\S]*Top 5 whitespace/);
  });

  it("runs a check-in round: Priya answers from the channel, her blocker becomes an ask, and the digest shows it under From the team", async () => {
    await actAs(page, "Ada Admin");
    await page.getByRole("button", { name: /Scheduled jobs/ }).click();
    await page.getByRole("menuitem", { name: "Run check-in round now" }).click();
    await expect.poll(() => page.locator(".toast", { hasText: "Check-in round:" }).innerText(), { timeout: 20_000 }).toMatch(/[1-9]\d* pairings? asked/);

    await actAs(page, "Priya Partner");
    await openChannel(page, PAIRING);
    const prompt = message(page, "weekly check-in for").last();
    await prompt.waitFor({ timeout: 20_000 });
    await expect.poll(() => prompt.innerText()).toContain("What's blocked, and who do you need?");
    await prompt.getByRole("button", { name: "Answer check-in" }).click();
    const form = modal(page, "Weekly check-in");
    await form.waitFor();
    await choose(field(page, "checkin_deal"), /CS-/);
    await field(page, "checkin_moved").locator("textarea").fill("Security questionnaire sent back.");
    await field(page, "checkin_blocked").locator("textarea").fill("Need the pricing sheet for the renewal.");
    await choose(field(page, "checkin_blocker"), "Ravi Rep");
    await form.getByRole("button", { name: "Send" }).click();
    await form.waitFor({ state: "detached" });
    await expect.poll(() => pg.deps.db.prisma.ask.count({ where: { text: { contains: "pricing sheet" } } }), { timeout: 20_000 }).toBe(1);

    await actAs(page, "Ada Admin");
    await page.getByRole("button", { name: /Scheduled jobs/ }).click();
    await page.getByRole("menuitem", { name: "Run check-in round now" }).click();
    await page
      .locator(".toast", { hasText: /reminded/ })
      .last()
      .waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: /Scheduled jobs/ }).click();
    await page.getByRole("menuitem", { name: "Run weekly digests now" }).click();
    await page.locator(".toast", { hasText: "Weekly digests:" }).last().waitFor({ timeout: 60_000 });
    await openChannel(page, PAIRING);
    const digest = message(page, "From the team").last();
    await digest.waitFor({ timeout: 20_000 });
    await expect.poll(() => digest.innerText()).toMatch(/Need the pricing sheet for the renewal\. → needs @Ravi/);
  });

  it("previews a quarterly partner review: Ada sees the internal version; Priya's workspace hasn't installed cosell, so Slack refuses her /cosell", async () => {
    await actAs(page, "Ada Admin");
    await openChannel(page, "partner-managers");
    await type(page, "/cosell qbr Acme Data last-quarter");
    const internal = message(page, "Quarterly partner review · Acme Data").last();
    await internal.waitFor({ timeout: 20_000 });
    await expect.poll(() => internal.innerText()).toMatch(/Internal version[\s\S]*Revenue won[\s\S]*Open pipeline by stage[\s\S]*Pairings/);

    await actAs(page, "Priya Partner");
    await openChannel(page, PAIRING);
    await type(page, "/cosell qbr last-quarter");
    const refusal = message(page, "is not a valid command").last();
    await refusal.waitFor(); // Acme Data's workspace hasn't installed cosell: Slack refuses the command (as for /cosell list)
  });

  it("has no JavaScript errors", () => {
    expect(jsErrors(page)).toEqual([]);
  });
});
