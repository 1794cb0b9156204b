import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { startPlayground, type Playground, type PlaygroundOptions } from "../../dev/playground/server";

// Browser tests drive the playground page in headless Chromium from Debian's packages
// (playwright-core, no browser download). `bash .ci/run` installs /usr/bin/chromium.

const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const MISSING_CHROMIUM = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; bash .ci/run does) to run the browser tests`;

export function launchBrowser(): Promise<Browser> {
  // playwright-core starts Chromium with a fresh, temporary --user-data-dir.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export function startTestPlayground(opts: Partial<PlaygroundOptions> = {}): Promise<Playground> {
  return startPlayground({
    port: 0,
    dataDir: "memory://",
    logLevel: (process.env.TEST_LOG_LEVEL as PlaygroundOptions["logLevel"]) ?? "error",
    // Slack waits 3 s for an answer and a trigger lasts 3 s; a loaded 2-core CI machine running
    // Chromium beside the app gets more.
    ackTimeoutMs: 15_000,
    triggerTtlMs: 15_000,
    ...opts,
  });
}

// Machines without a colour emoji font (this one, CI) would draw the app's emoji as boxes:
// the test pages get Noto Color Emoji from the npm package, served through a route. Only its
// .woff files: Debian's headless Chromium draws the .woff2 colour glyphs blank.
const EMOJI_DIR = path.resolve("node_modules/@fontsource/noto-color-emoji");
const emojiCss = existsSync(EMOJI_DIR)
  ? readFileSync(path.join(EMOJI_DIR, "400.css"), "utf8")
      .replace(/url\(\.\/files\/[^)]+\.woff2\) format\('woff2'\), /g, "")
      .replaceAll("./files/", "/__emoji/")
  : "";

export async function openPage(browser: Browser, url: string, query: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  if (emojiCss) {
    await page.route("**/__emoji/*", (route) => route.fulfill({ path: path.join(EMOJI_DIR, "files", path.basename(new URL(route.request().url()).pathname)) }));
  }
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  (page as Page & { jsErrors?: string[] }).jsErrors = errors;
  await page.goto(`${url}/?${new URLSearchParams(query).toString()}`);
  if (emojiCss) {
    await page.addStyleTag({ content: emojiCss });
    await page.evaluate(`document.fonts.load("16px 'Noto Color Emoji'", "🔗✅⬜🏆🆕🔎🧪📝🤝🪦⚠️🔴⏳📊👁➡️💬⚡❌➖").then(() => true)`);
  }
  await page.locator(".workspace").waitFor();
  return page;
}

export function jsErrors(page: Page): string[] {
  return (page as Page & { jsErrors?: string[] }).jsErrors ?? [];
}

/** Picks a person in the "Acting as" switcher (by the start of their name). */
export async function actAs(page: Page, name: string): Promise<void> {
  const select = page.getByLabel("Acting as");
  const value = await select.locator("option", { hasText: name }).first().getAttribute("value");
  const switched = page.locator(".workspace span", { hasText: name });
  // The page re-renders on every change the app makes (a job's posts arrive in bursts): a
  // choice made on a select that was just replaced is lost, so choose again until it holds.
  for (let attempt = 1; ; attempt++) {
    await select.selectOption(value!);
    try {
      await switched.waitFor({ timeout: 3_000 });
      return;
    } catch (err) {
      if (attempt === 5) throw err;
    }
  }
}

export async function openChannel(page: Page, name: string): Promise<void> {
  await page.locator(".sidebar .nav-item", { hasText: name }).first().click();
  await page.locator(".channel-header h1", { hasText: name }).waitFor();
}

/** Types into the channel's composer and presses Enter. */
export async function type(page: Page, text: string): Promise<void> {
  const input = page.locator("#composer-input");
  await input.fill(text);
  await input.press("Enter");
}

export function modal(page: Page, title?: string): Locator {
  return title ? page.getByRole("dialog", { name: title }) : page.getByRole("dialog");
}

/** The input block with this block_id inside the open modal. */
export function field(page: Page, blockId: string): Locator {
  return page.locator(`[role=dialog] .input-block[data-block-id="${blockId}"]`);
}

/** Chooses an option (by its label) in a select, or adds one in a multi-select. */
export async function choose(scope: Locator, label: string | RegExp): Promise<void> {
  const select = scope.locator("select").last();
  const option = select.locator("option", { hasText: label }).first();
  const value = await option.getAttribute("value");
  await select.selectOption(value!);
}

/** The message whose text contains `text` in the open channel's list. */
export function message(page: Page, text: string | RegExp): Locator {
  return page.locator("#messages .msg", { hasText: text });
}

/** A deal card: the app's message whose header names the deal. */
export function dealCard(page: Page, title: string): Locator {
  return page.locator("#messages .msg").filter({ has: page.locator(".bk-header", { hasText: title }) });
}

/**
 * Ada posts the pairing panel (`/cosell panel`) and Priya, a partner rep who cannot run our
 * slash commands, registers a deal from its *Register deal* button; the form is submitted.
 */
export async function partnerRegistersFromPanel(page: Page, pairing: string, deal: { account: string; domain: string; title: string }): Promise<void> {
  await actAs(page, "Ada Admin");
  await openChannel(page, pairing);
  await type(page, "/cosell panel");
  const panel = page.locator("#messages .msg", { has: page.getByRole("button", { name: "Register deal" }) }).last();
  await panel.waitFor();
  await actAs(page, "Priya Partner");
  await openChannel(page, pairing);
  await panel.getByRole("button", { name: "Register deal" }).click();
  const form = modal(page, "Register co-sell deal");
  await form.waitFor();
  await field(page, "account_name").locator("input").fill(deal.account);
  await field(page, "account_domain").locator("input").fill(deal.domain);
  await field(page, "deal_title").locator("input").fill(deal.title);
  await field(page, "deal_amount").locator("input").fill("90k");
  await field(page, "close_date").locator("input").fill("2027-09-30");
  await choose(field(page, "role_SOURCING"), "Acme Data");
  await choose(field(page, "role_SELLING"), "Northwind Cloud (us)");
  await form.getByRole("button", { name: "Register" }).click();
  await form.waitFor({ state: "detached" });
}
