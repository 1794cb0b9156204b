// Takes the README's screenshots of the playground (docs/playground-*.png): the same flows as
// test/browser, in headless Chromium from Debian's packages.
//   npm run screenshots
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import {
  actAs,
  choose,
  dealCard,
  field,
  HAS_CHROMIUM,
  launchBrowser,
  message,
  MISSING_CHROMIUM,
  modal,
  openChannel,
  openPage,
  partnerRegistersFromPanel,
  startTestPlayground,
  type,
} from "../test/browser/support";

if (!HAS_CHROMIUM) {
  console.error(MISSING_CHROMIUM);
  process.exit(1);
}

const OUT = "docs";
mkdirSync(OUT, { recursive: true });
// The demo's documented day (docs/demo.md), as in test/browser: the same program at every run.
const pinned = Date.parse("2026-11-16T15:00:00Z");
const started = Date.now();
const pg = await startTestPlayground({ now: () => new Date(pinned + (Date.now() - started)) });
const browser = await launchBrowser();
const shot = async (page: Page, name: string) => {
  await page.evaluate("document.getElementById('toasts').replaceChildren(); document.activeElement?.blur()");
  await page.evaluate("document.fonts.ready.then(() => true)");
  await page.waitForTimeout(600); // fonts and images settle
  await page.screenshot({ path: `${OUT}/${name}.png` });
  console.log(`${OUT}/${name}.png`);
};

try {
  const page = await openPage(browser, pg.url, { as: "U0NWREP1" });
  const PAIRING = "northwind-acme-globex";
  await openChannel(page, PAIRING);
  await page.locator("#messages .msg .bk-header").first().waitFor();

  // 1. The registration modal, half filled.
  await type(page, "/cosell new Fabrikam");
  await modal(page, "Register co-sell deal").waitFor();
  await field(page, "account_domain").locator("input").fill("fabrikam.example");
  await field(page, "deal_title").locator("input").fill("Lakehouse migration");
  await field(page, "deal_amount").locator("input").fill("250k");
  await field(page, "close_date").locator("input").fill("2027-06-30");
  await choose(field(page, "role_SOURCING"), "Acme Data");
  await choose(field(page, "role_TECHNICAL_VALIDATION"), "Acme Data");
  await choose(field(page, "role_SELLING"), "Northwind Cloud (us)");
  await choose(field(page, "relationship_owner"), "Ravi Rep");
  await field(page, "deal_amount").scrollIntoViewIfNeeded();
  await shot(page, "playground-register-modal");
  await modal(page).getByRole("button", { name: "Register" }).click();
  await modal(page).waitFor({ state: "detached" });
  const card = dealCard(page, "Lakehouse migration");
  await card.waitFor();

  // 2. The pairing channel with the new card, as our rep.
  await card.scrollIntoViewIfNeeded();
  await shot(page, "playground-channel");

  // 3. The partner's side: their /cosell is refused (Slack Connect), their card button works.
  await actAs(page, "Priya Partner");
  await openChannel(page, PAIRING);
  await type(page, "/cosell list");
  await message(page, "is not a valid command").waitFor();
  await dealCard(page, "Lakehouse migration").getByRole("button", { name: "Log touchpoint" }).click();
  await modal(page, "Log touchpoint").waitFor();
  await choose(field(page, "tp_type"), "Demo");
  await field(page, "tp_note").locator("textarea").fill("Ran the connector demo for the Fabrikam data team.");
  await shot(page, "playground-partner-touchpoint");
  await modal(page).getByRole("button", { name: "Log" }).click();
  await modal(page).waitFor({ state: "detached" });
  await message(page, "Logged a demo for Acme Data").waitFor();

  // 4. Closed won: the attribution receipt in the card's thread.
  await actAs(page, "Ravi Rep");
  await openChannel(page, PAIRING);
  await dealCard(page, "Lakehouse migration").getByRole("button", { name: "Change stage" }).click();
  await modal(page, "Change stage").waitFor();
  await choose(field(page, "stage_to"), "Closed won");
  const gaps = field(page, "stage_confirm_gaps");
  if (await gaps.count()) await gaps.locator("input[type=checkbox]").check();
  await modal(page).getByRole("button", { name: "Move" }).click();
  await modal(page).waitFor({ state: "detached" });
  await dealCard(page, "Lakehouse migration").locator(".replies").click();
  await page.locator("#thread .msg", { hasText: "Attribution · CS-" }).waitFor();
  await dealCard(page, "Lakehouse migration").scrollIntoViewIfNeeded();
  await shot(page, "playground-attribution-thread");

  // 5. The App Home.
  await page.locator("#thread button[title='Close thread']").click();
  await page.locator(`.sidebar .nav-item[data-channel="app:home"]`).click();
  await page.locator("#messages .home").waitFor();
  await page.locator("#messages .home", { hasText: "My open deals" }).waitFor();
  await shot(page, "playground-app-home");

  // 6. The registration lifecycle: Priya registers from the pinned panel; Ada's review DM.
  await partnerRegistersFromPanel(page, PAIRING, { account: "Tailspin Toys", domain: "tailspin.example", title: "Analytics for 400 stores" });
  await actAs(page, "Ada Admin");
  await page.locator(`.sidebar .nav-item[data-channel="app:messages"]`).click();
  const review = message(page, "Registration to review").filter({ hasText: "Analytics for 400 stores" }).last();
  await review.waitFor();
  await review.scrollIntoViewIfNeeded();
  await shot(page, "playground-review-dm");
  await review.getByRole("button", { name: "Approve" }).click();
  await review
    .getByText(/Approved/)
    .first()
    .waitFor();

  // 7. The weekly digests, fired from the jobs menu: the manager digest and its chart.
  await actAs(page, "Ada Admin");
  await page.getByRole("button", { name: /Scheduled jobs/ }).click();
  await page.getByRole("menuitem", { name: "Run weekly digests now" }).click();
  await openChannel(page, "partner-managers");
  const digest = page.locator("#messages .msg").first();
  await digest.waitFor({ timeout: 30_000 });
  const withChart = page.locator("#messages .msg .replies").first();
  await withChart.waitFor({ timeout: 30_000 }).then(
    () => withChart.click(),
    () => undefined,
  );
  await page
    .locator("#thread .file img")
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => undefined);
  await page
    .locator("#thread .file img")
    .first()
    .scrollIntoViewIfNeeded()
    .catch(() => undefined);
  await page
    .locator("#messages .msg", { has: page.locator(".replies") })
    .first()
    .scrollIntoViewIfNeeded();
  await page.evaluate("document.querySelector('#messages .msg .replies')?.closest('.msg')?.scrollIntoView({ block: 'start' })");
  await shot(page, "playground-digest");

  // 8. Incentives: Ada's quarter close DM (bonuses, tier proposals) and /cosell payouts.
  await page
    .locator("#thread button[title='Close thread']")
    .click()
    .catch(() => undefined);
  await page.locator(`.sidebar .nav-item[data-channel="app:messages"]`).click();
  const close = message(page, "Quarter close").last();
  await close.waitFor({ timeout: 30_000 });
  await close.scrollIntoViewIfNeeded();
  await shot(page, "playground-quarter-close");
  await openChannel(page, "partner-managers");
  await type(page, "/cosell payouts last-quarter");
  const payouts = message(page, /Payouts · \d{4}-Q\d/).last();
  await payouts.waitFor({ timeout: 30_000 });
  await payouts.scrollIntoViewIfNeeded();
  await shot(page, "playground-payouts");

  // 9. A check-in round: Priya's answer form, from the prompt in the pairing channel.
  const runJob = async (name: string, toast: string | RegExp) => {
    await page.getByRole("button", { name: /Scheduled jobs/ }).click();
    await page.getByRole("menuitem", { name }).click();
    await page.locator(".toast", { hasText: toast }).last().waitFor({ timeout: 60_000 });
  };
  await runJob("Run check-in round now", "Check-in round:");
  await actAs(page, "Priya Partner");
  await openChannel(page, PAIRING);
  const prompt = message(page, "weekly check-in for").last();
  await prompt.waitFor({ timeout: 30_000 });
  await prompt.getByRole("button", { name: "Answer check-in" }).click();
  const checkIn = modal(page, "Weekly check-in");
  await checkIn.waitFor();
  await choose(field(page, "checkin_deal"), /CS-/);
  await field(page, "checkin_moved").locator("textarea").fill("Security questionnaire sent back; the CISO signed off.");
  await field(page, "checkin_blocked").locator("textarea").fill("Need the pricing sheet for the renewal.");
  await choose(field(page, "checkin_blocker"), "Ravi Rep");
  await shot(page, "playground-checkin");
  await checkIn.getByRole("button", { name: "Send" }).click();
  await checkIn.waitFor({ state: "detached" });

  // 10. Account mapping from the sample lists: the new-overlaps post with Pick 5 to pursue.
  await actAs(page, "Ada Admin");
  await openChannel(page, "partner-managers");
  for (const [org, file] of [
    ["Northwind Cloud (us)", "northwind-cloud-accounts.csv"],
    ["Acme Data", "acme-data-accounts.csv"],
  ] as const) {
    await type(page, "/cosell map import");
    const form = modal(page, "Import account list");
    await form.waitFor();
    await choose(field(page, "map_import_org"), org);
    await choose(field(page, "map_import_status"), /Both/);
    await field(page, "map_import_file").locator("input[type=file]").setInputFiles(`samples/${file}`);
    await form.getByRole("button", { name: "Import" }).click();
    await form.waitFor({ state: "detached" });
  }
  await openChannel(page, PAIRING);
  const overlaps = message(page, "new overlaps").last();
  await overlaps.waitFor({ timeout: 30_000 });
  await overlaps.getByRole("button", { name: "Pick 5 to pursue" }).click();
  const picker = modal(page, "Pick 5 to pursue");
  await picker.waitFor();
  await choose(field(page, "map_pick_accounts"), /Contoso Pharma/);
  await choose(field(page, "map_pick_accounts"), /Woodgrove Insurance/);
  await shot(page, "playground-pick-overlaps");
  await picker.getByRole("button", { name: "Pursue" }).click();
  await picker.waitFor({ state: "detached" });

  // 11. A quarterly partner review, previewed by Ada.
  await openChannel(page, "partner-managers");
  await type(page, "/cosell qbr Acme Data last-quarter");
  const qbr = message(page, "Quarterly partner review · Acme Data").last();
  await qbr.waitFor({ timeout: 30_000 });
  await qbr.scrollIntoViewIfNeeded();
  await shot(page, "playground-qbr");
} finally {
  await browser.close();
  await pg.stop();
}
