// cosell playground: a minimal Slack client for the local simulated workspace.
// Plain JavaScript, no framework: state comes from GET /pg/state, changes are announced on
// GET /pg/events (server-sent events), and every action is a POST /pg/<action> that the server
// turns into the signed request Slack would send to the app.
"use strict";

// ---------------------------------------------------------------------------
// State

const params = new URLSearchParams(location.search);
const S = {
  as: params.get("as") || localStorage.getItem("cosell.as") || "",
  /** a channel id, or "app:home" / "app:messages" */
  view: params.get("channel") || "",
  thread: null, // { channel, ts }
  state: null,
  highlight: null, // { channel, ts } from a permalink
  lastSeen: {}, // person → channel → latest ts seen
  modal: { key: "", viewId: "", fields: [], errors: {}, error: "", busy: false },
  valuesCache: {}, // view id → { block: { action: entry } } (input kept across views.update, as Slack does)
  rendered: { sidebar: "", messages: "", thread: "", header: "", home: "" },
};

// A permalink (https://…slack.com/archives/C…/p…) opens the message in the playground too.
const archive = location.pathname.match(/^\/archives\/([A-Z0-9_]+)\/p(\d+)/);
if (archive) {
  const ts = `${archive[2].slice(0, -6)}.${archive[2].slice(-6)}`;
  S.view = archive[1];
  S.highlight = { channel: archive[1], ts };
}

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------
// Talking to the playground server

async function api(name, body) {
  const res = await fetch(`/pg/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ as: S.as, ...body }) });
  const out = await res.json().catch(() => ({}));
  if (!res.ok) {
    toast(out.error || `The playground server answered HTTP ${res.status}.`);
    return {};
  }
  if (out.notice) toast(out.notice);
  scheduleRefresh(0);
  return out;
}

let refreshTimer = null;
let refreshing = false;
let refreshAgain = false;
function scheduleRefresh(delay = 40) {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refresh();
  }, delay);
}

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    // An unknown or missing person (first visit) gets our admin.
    const res = await fetch(`/pg/state?as=${encodeURIComponent(S.as)}`);
    S.state = await res.json();
    S.as = S.state.me.id;
    render();
  } catch {
    /* the server restarts: the event stream reconnects and refreshes */
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh(0);
    }
  }
}

function connectEvents() {
  const events = new EventSource("/pg/events");
  events.onmessage = () => scheduleRefresh();
  events.onerror = () => scheduleRefresh(1000);
}

// ---------------------------------------------------------------------------
// Small helpers

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "html") el.innerHTML = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function esc(s) {
  return String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function toast(text) {
  const t = h("div", { class: "toast", role: "status" }, text);
  $("toasts").append(t);
  setTimeout(() => t.remove(), 6000);
}

const me = () => S.state.me;
const person = (id) => S.state.directory.find((p) => p.id === id);
const initials = (name) => name.split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
const appNow = () => new Date(S.state ? S.state.now : Date.now());

// ---------------------------------------------------------------------------
// Slack's text formatting: mrkdwn, mentions, links, dates, a few emoji

const EMOJI = {
  white_check_mark: "✅", heavy_check_mark: "✔️", warning: "⚠️", x: "❌", tada: "🎉", trophy: "🏆", red_circle: "🔴",
  large_green_circle: "🟢", large_yellow_circle: "🟡", hourglass: "⌛", hourglass_flowing_sand: "⏳", bell: "🔔",
  chart_with_upwards_trend: "📈", bar_chart: "📊", memo: "📝", handshake: "🤝", mag: "🔍", pushpin: "📌", rocket: "🚀",
  calendar: "📅", moneybag: "💰", money_with_wings: "💸", busts_in_silhouette: "👥", bust_in_silhouette: "👤", link: "🔗",
  clock9: "🕘", eyes: "👀", thumbsup: "👍", "+1": "👍", point_right: "👉", new: "🆕", information_source: "ℹ️",
  star: "⭐", fire: "🔥", scales: "⚖️", receipt: "🧾", spiral_calendar_pad: "🗓️", arrow_right: "➡️", no_entry: "⛔",
  construction: "🚧", test_tube: "🧪", headstone: "🪦", wave: "👋", sparkles: "✨", zap: "⚡", lock: "🔒",
};
const emojify = (s) => s.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] || all);

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

function dayLabel(d, pretty) {
  const now = appNow();
  const day = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const diff = Math.round((day(d) - day(now)) / 86400000);
  if (pretty && diff === 0) return "today";
  if (pretty && diff === -1) return "yesterday";
  if (pretty && diff === 1) return "tomorrow";
  return null;
}

function slackDate(seconds, format, link) {
  const d = new Date(seconds * 1000);
  const month = d.toLocaleDateString("en-US", { month: "long" });
  const mon = d.toLocaleDateString("en-US", { month: "short" });
  const weekday = d.toLocaleDateString("en-US", { weekday: "long" });
  const date = `${month} ${ordinal(d.getDate())}, ${d.getFullYear()}`;
  const dateShort = `${mon} ${d.getDate()}, ${d.getFullYear()}`;
  const dateLong = `${weekday}, ${date}`;
  const time = d.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" });
  const ago = () => {
    const s = Math.round((appNow().getTime() - d.getTime()) / 1000);
    const abs = Math.abs(s);
    const [n, unit] = abs < 60 ? [abs, "second"] : abs < 3600 ? [Math.round(abs / 60), "minute"] : abs < 86400 ? [Math.round(abs / 3600), "hour"] : [Math.round(abs / 86400), "day"];
    const words = `${n} ${unit}${n === 1 ? "" : "s"}`;
    return s >= 0 ? `${words} ago` : `in ${words}`;
  };
  const tokens = {
    date_num: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`,
    date, date_short: dateShort, date_long: dateLong,
    date_pretty: dayLabel(d, true) || date,
    date_short_pretty: dayLabel(d, true) || dateShort,
    date_long_pretty: dayLabel(d, true) || dateLong,
    time, time_secs: d.toLocaleTimeString("en-US"), ago: ago(),
  };
  const text = format.replace(/\{(\w+)\}/g, (all, t) => tokens[t] ?? all);
  const title = d.toString();
  return link ? `<a href="${esc(link)}" target="_blank" rel="noopener" title="${esc(title)}">${esc(text)}</a>` : `<span title="${esc(title)}">${esc(text)}</span>`;
}

function unescapeSlack(s) {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Slack's <…> tokens: links, user and channel mentions, dates, special mentions. */
function token(inner) {
  const [target, label] = splitOnce(inner, "|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const p = person(id);
    const name = p ? p.name : id === S.state.bot.id ? "cosell" : label || id;
    return `<span class="mention" title="${esc(p ? `${p.title} · ${p.company}` : id)}">@${esc(name)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = S.state.channelNames[id] || label || id;
    return `<a class="channel-link" data-open-channel="${esc(id)}">#${esc(name)}</a>`;
  }
  if (target.startsWith("!date^")) {
    const [, secs, format, link] = target.split("^");
    return slackDate(Number(secs), format || "{date}", link);
  }
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0];
    return `<span class="mention">@${esc(label || special)}</span>`;
  }
  const href = unescapeSlack(target);
  const text = label ? unescapeSlack(label) : href.replace(/^mailto:/, "");
  return `<a href="${esc(href)}" target="_blank" rel="noopener">${esc(text)}</a>`;
}

function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

function mrkdwn(text) {
  const stash = [];
  const keep = (html) => `\u0001${stash.push(html) - 1}\u0002`;
  let s = String(text ?? "");
  // Code first: nothing inside is formatted.
  s = s.replace(/```([\s\S]*?)```/g, (all, code) => keep(`<pre>${esc(unescapeSlack(code.replace(/^\n/, "")))}</pre>`));
  s = s.replace(/`([^`\n]+)`/g, (all, code) => keep(`<code>${esc(unescapeSlack(code))}</code>`));
  s = s.replace(/<([^<>\s][^<>]*)>/g, (all, inner) => keep(token(inner)));
  s = esc(unescapeSlack(s));
  s = emojify(s);
  const b = "(^|[\\s(\\u0002>_~*])";
  const e = "(?=$|[\\s.,!?;:)\\u0001<_~*'\"-])";
  s = s.replace(new RegExp(`${b}\\*(\\S(?:[^*\\n]*?\\S)?)\\*${e}`, "g"), "$1<b>$2</b>");
  s = s.replace(new RegExp(`${b}_(\\S(?:[^_\\n]*?\\S)?)_${e}`, "g"), "$1<i>$2</i>");
  s = s.replace(new RegExp(`${b}~(\\S(?:[^~\\n]*?\\S)?)~${e}`, "g"), "$1<s>$2</s>");
  s = s
    .split("\n")
    .map((line) => (line.startsWith("&gt; ") || line === "&gt;" ? `<blockquote>${line.slice(5)}</blockquote>` : line))
    .join("\n")
    .replace(/\n/g, "<br>")
    .replace(/<\/blockquote><br>/g, "</blockquote>");
  return s.replace(/\u0001(\d+)\u0002/g, (all, i) => stash[Number(i)]);
}

function textHtml(t) {
  if (!t) return "";
  if (typeof t === "string") return mrkdwn(t);
  return t.type === "mrkdwn" ? mrkdwn(t.text) : esc(t.emoji === false ? t.text : emojify(t.text));
}

const plainText = (t) => (t ? (typeof t === "string" ? t : emojify(t.text || "")) : "");

// ---------------------------------------------------------------------------
// Block Kit

/**
 * Renders blocks. ctx: { surface: "message" | "modal" | "home", act(action), fields (modal
 * inputs, filled here), values (kept input by block/action), errors (by block id) }.
 */
function renderBlocks(blocks, ctx) {
  const wrap = h("div", { class: "bk" });
  for (const block of blocks || []) {
    const node = renderBlock(block, ctx);
    if (node) wrap.append(node);
  }
  return wrap;
}

function renderBlock(block, ctx) {
  const blockId = block.block_id || "";
  switch (block.type) {
    case "header":
      return h("div", { class: "bk-header", dataset: { blockId } }, plainText(block.text));
    case "divider":
      return h("hr", { class: "bk-divider" });
    case "section": {
      const main = h("div", { class: "bk-section-main" });
      if (block.text) main.append(h("div", { class: "text", html: textHtml(block.text) }));
      if (block.fields) main.append(h("div", { class: "bk-fields" }, block.fields.map((f) => h("div", { class: "text", html: textHtml(f) }))));
      const section = h("div", { class: "bk-section", dataset: { blockId } }, main);
      if (block.accessory) section.append(renderElement(block.accessory, ctx, blockId, false));
      return section;
    }
    case "context":
      return h(
        "div",
        { class: "bk-context", dataset: { blockId } },
        (block.elements || []).map((el) => (el.type === "image" ? h("img", { src: imageSrc(el), alt: el.alt_text || "" }) : h("span", { html: textHtml(el) }))),
      );
    case "actions":
      return h("div", { class: "bk-actions", dataset: { blockId } }, (block.elements || []).map((el) => renderElement(el, ctx, blockId, false)));
    case "image":
      return h(
        "figure",
        { class: "bk-image", dataset: { blockId }, style: "margin:0" },
        block.title ? h("div", { class: "title" }, plainText(block.title)) : null,
        h("img", { src: imageSrc(block), alt: block.alt_text || "", title: block.alt_text || "" }),
      );
    case "input":
      return renderInputBlock(block, ctx);
    case "rich_text":
      return h("div", { class: "text", html: richText(block) });
    default:
      return h("div", { class: "bk-context" }, `[${block.type} block]`);
  }
}

function imageSrc(el) {
  if (el.image_url) return el.image_url;
  const file = el.slack_file || {};
  if (file.id) return `/files/${encodeURIComponent(file.id)}/image`;
  return file.url || "";
}

function richText(block) {
  const inline = (els) =>
    (els || [])
      .map((e) => {
        if (e.type === "text") {
          let t = esc(e.text).replace(/\n/g, "<br>");
          if (e.style?.bold) t = `<b>${t}</b>`;
          if (e.style?.italic) t = `<i>${t}</i>`;
          if (e.style?.strike) t = `<s>${t}</s>`;
          if (e.style?.code) t = `<code>${t}</code>`;
          return t;
        }
        if (e.type === "link") return `<a href="${esc(e.url)}" target="_blank" rel="noopener">${esc(e.text || e.url)}</a>`;
        if (e.type === "user") return token(`@${e.user_id}`);
        if (e.type === "channel") return token(`#${e.channel_id}`);
        if (e.type === "emoji") return e.unicode ? String.fromCodePoint(...e.unicode.split("-").map((x) => parseInt(x, 16))) : `:${e.name}:`;
        return "";
      })
      .join("");
  return (block.elements || [])
    .map((sec) => {
      if (sec.type === "rich_text_list") return `<ul>${(sec.elements || []).map((li) => `<li>${inline(li.elements)}</li>`).join("")}</ul>`;
      if (sec.type === "rich_text_preformatted") return `<pre>${inline(sec.elements)}</pre>`;
      if (sec.type === "rich_text_quote") return `<blockquote>${inline(sec.elements)}</blockquote>`;
      return `<div>${inline(sec.elements)}</div>`;
    })
    .join("");
}

function allOptions(el) {
  if (el.option_groups) return el.option_groups.flatMap((g) => g.options || []);
  return el.options || [];
}

function optionNodes(el, selectedValue) {
  const opt = (o) => h("option", { value: o.value, selected: o.value === selectedValue }, plainText(o.text));
  if (el.option_groups) return el.option_groups.map((g) => h("optgroup", { label: plainText(g.label) }, (g.options || []).map(opt)));
  return (el.options || []).map(opt);
}

function peopleOptions() {
  return S.state.directory.map((p) => ({ value: p.id, label: `${p.name} (${p.company})` }));
}

function conversationOptions(el) {
  const filter = el.filter || {};
  const include = filter.include || ["public", "private", "im", "mpim"];
  return S.state.channels
    .filter((c) => (c.kind === "dm" ? include.includes("im") : include.includes("public") || include.includes("private")))
    .filter((c) => !(filter.exclude_external_shared_channels && c.shared))
    .map((c) => ({ value: c.id, label: c.kind === "dm" ? "cosell (direct message)" : `#${c.name}` }));
}

function toLocalInput(seconds) {
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A select with a placeholder ("Select an item" in Slack). */
function selectBox(choices, selected, placeholder, wide) {
  const sel = h("select", { class: `bk-select${wide ? " wide" : ""}` }, h("option", { value: "" }, placeholder || "Select an item"));
  for (const c of choices) sel.append(c instanceof Node ? c : h("option", { value: c.value, selected: c.value === selected }, c.label));
  if (selected) sel.value = selected;
  return sel;
}

/** Several values as removable chips plus a select to add one (multi_*_select). */
function multiBox(choices, selected, placeholder, onChange) {
  let values = [...selected];
  const chips = h("div", { class: "chips" });
  const adder = h("select", { class: "bk-select wide" });
  const draw = () => {
    chips.replaceChildren(
      ...values.map((v) =>
        h("span", { class: "chip", dataset: { value: v } }, choices.find((c) => c.value === v)?.label || v, h("button", { type: "button", title: "Remove", onclick: () => { values = values.filter((x) => x !== v); draw(); onChange(values); } }, "×")),
      ),
    );
    adder.replaceChildren(h("option", { value: "" }, placeholder || "Select options"), ...choices.filter((c) => !values.includes(c.value)).map((c) => h("option", { value: c.value }, c.label)));
  };
  adder.addEventListener("change", () => {
    if (adder.value) values.push(adder.value);
    draw();
    onChange(values);
  });
  draw();
  return { node: h("div", {}, chips, adder), get: () => values };
}

/**
 * An interactive element. In an input block it is a form field (read on submit); elsewhere
 * every change is a block_actions payload at once.
 */
function renderElement(el, ctx, blockId, inInput, kept) {
  const base = { type: el.type, action_id: el.action_id, block_id: blockId };
  const fire = (extra) => ctx.act({ ...base, ...extra });
  const placeholder = el.placeholder ? plainText(el.placeholder) : undefined;
  const field = (node, read) => ({ node, read });
  switch (el.type) {
    case "button": {
      const btn = h("button", { type: "button", class: `bk-btn ${el.style || ""}`, dataset: { actionId: el.action_id } }, plainText(el.text));
      btn.addEventListener("click", async () => {
        if (el.confirm && !(await confirmDialog(el.confirm))) return;
        if (el.url) window.open(el.url, "_blank", "noopener");
        btn.disabled = true;
        try {
          await fire({ text: el.text, value: el.value, ...(el.style ? { style: el.style } : {}) });
        } finally {
          btn.disabled = false;
        }
      });
      return inInput ? field(btn, () => null) : btn;
    }
    case "image":
      return h("img", { class: "bk-accessory-image", src: imageSrc(el), alt: el.alt_text || "" });
    case "overflow": {
      const btn = h("button", { type: "button", class: "bk-btn", title: "More", dataset: { actionId: el.action_id } }, "⋮");
      btn.addEventListener("click", () =>
        openMenu(btn, (el.options || []).map((o) => ({ label: plainText(o.text), onClick: () => fire({ selected_option: o }) }))),
      );
      return btn;
    }
    case "static_select":
    case "external_select": {
      const options = allOptions(el);
      const initial = kept ? kept.selected_option?.value : el.initial_option?.value;
      const sel = h("select", { class: `bk-select${inInput ? " wide" : ""}`, dataset: { actionId: el.action_id } }, h("option", { value: "" }, placeholder || "Select an item"), optionNodes(el, initial));
      sel.value = initial && options.some((o) => o.value === initial) ? initial : "";
      const read = () => ({ type: el.type, selected_option: options.find((o) => o.value === sel.value) || null });
      sel.addEventListener("change", () => {
        if (!inInput || ctx.dispatch) fire({ selected_option: read().selected_option, ...(placeholder ? { placeholder: el.placeholder } : {}) });
      });
      return inInput ? field(sel, read) : sel;
    }
    case "multi_static_select": {
      const options = allOptions(el);
      const initial = kept ? (kept.selected_options || []).map((o) => o.value) : (el.initial_options || []).map((o) => o.value);
      const box = multiBox(options.map((o) => ({ value: o.value, label: plainText(o.text) })), initial.filter((v) => options.some((o) => o.value === v)), placeholder, (values) => {
        if (!inInput || ctx.dispatch) fire({ selected_options: options.filter((o) => values.includes(o.value)) });
      });
      box.node.dataset.actionId = el.action_id;
      const read = () => ({ type: el.type, selected_options: options.filter((o) => box.get().includes(o.value)) });
      return inInput ? field(box.node, read) : box.node;
    }
    case "users_select":
    case "conversations_select":
    case "channels_select": {
      const users = el.type === "users_select";
      const choices = users ? peopleOptions() : conversationOptions(el);
      const key = users ? "selected_user" : el.type === "channels_select" ? "selected_channel" : "selected_conversation";
      const initialKey = users ? "initial_user" : el.type === "channels_select" ? "initial_channel" : "initial_conversation";
      const initial = kept ? kept[key] : el[initialKey] || (el.default_to_current_conversation && S.view.startsWith("C") ? S.view : "");
      const sel = selectBox(choices, initial, placeholder || (users ? "Select a person" : "Select a conversation"), inInput);
      sel.dataset.actionId = el.action_id;
      const read = () => ({ type: el.type, [key]: sel.value || null });
      sel.addEventListener("change", () => {
        if (!inInput || ctx.dispatch) fire({ [key]: sel.value || null });
      });
      return inInput ? field(sel, read) : sel;
    }
    case "multi_users_select":
    case "multi_conversations_select":
    case "multi_channels_select": {
      const users = el.type === "multi_users_select";
      const choices = users ? peopleOptions() : conversationOptions(el);
      const key = users ? "selected_users" : el.type === "multi_channels_select" ? "selected_channels" : "selected_conversations";
      const initialKey = users ? "initial_users" : el.type === "multi_channels_select" ? "initial_channels" : "initial_conversations";
      const box = multiBox(choices, kept ? kept[key] || [] : el[initialKey] || [], placeholder, (values) => {
        if (!inInput || ctx.dispatch) fire({ [key]: values });
      });
      box.node.dataset.actionId = el.action_id;
      const read = () => ({ type: el.type, [key]: box.get() });
      return inInput ? field(box.node, read) : box.node;
    }
    case "datepicker": {
      const input = h("input", { type: "date", class: "bk-input", dataset: { actionId: el.action_id } });
      input.value = kept ? kept.selected_date || "" : el.initial_date || "";
      const read = () => ({ type: "datepicker", selected_date: input.value || null });
      input.addEventListener("change", () => {
        if (!inInput || ctx.dispatch) fire({ selected_date: input.value || null });
      });
      return inInput ? field(input, read) : input;
    }
    case "timepicker": {
      const input = h("input", { type: "time", class: "bk-input", dataset: { actionId: el.action_id } });
      input.value = kept ? kept.selected_time || "" : el.initial_time || "";
      const read = () => ({ type: "timepicker", selected_time: input.value || null });
      input.addEventListener("change", () => {
        if (!inInput || ctx.dispatch) fire({ selected_time: input.value || null });
      });
      return inInput ? field(input, read) : input;
    }
    case "datetimepicker": {
      const input = h("input", { type: "datetime-local", class: "bk-input", dataset: { actionId: el.action_id } });
      const secs = kept ? kept.selected_date_time : el.initial_date_time;
      input.value = secs ? toLocalInput(secs) : "";
      const read = () => ({ type: "datetimepicker", selected_date_time: input.value ? Math.floor(new Date(input.value).getTime() / 1000) : null });
      input.addEventListener("change", () => {
        if (!inInput || ctx.dispatch) fire({ selected_date_time: read().selected_date_time });
      });
      return inInput ? field(input, read) : input;
    }
    case "plain_text_input": {
      const input = el.multiline ? h("textarea", { class: "bk-input" }) : h("input", { type: "text", class: "bk-input" });
      input.dataset.actionId = el.action_id;
      if (placeholder) input.placeholder = placeholder;
      if (el.max_length) input.maxLength = el.max_length;
      input.value = kept ? kept.value || "" : el.initial_value || "";
      const read = () => ({ type: "plain_text_input", value: input.value === "" ? null : input.value });
      if (ctx.dispatch) {
        const on = el.dispatch_action_config?.trigger_actions_on || ["on_enter_pressed"];
        input.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" && !el.multiline && on.includes("on_enter_pressed")) {
            ev.preventDefault();
            fire({ value: input.value });
          }
        });
        if (on.includes("on_character_entered")) input.addEventListener("input", () => fire({ value: input.value }));
      }
      return field(input, read);
    }
    case "number_input": {
      const input = h("input", { type: "number", class: "bk-input", step: el.is_decimal_allowed ? "any" : "1", min: el.min_value, max: el.max_value, dataset: { actionId: el.action_id } });
      if (placeholder) input.placeholder = placeholder;
      input.value = kept ? kept.value || "" : el.initial_value || "";
      const read = () => ({ type: "number_input", value: input.value === "" ? null : input.value });
      return field(input, read);
    }
    case "checkboxes":
    case "radio_buttons": {
      const radio = el.type === "radio_buttons";
      const group = `g${Math.random().toString(36).slice(2)}`;
      const initial = kept ? (radio ? [kept.selected_option?.value] : (kept.selected_options || []).map((o) => o.value)) : radio ? [el.initial_option?.value] : (el.initial_options || []).map((o) => o.value);
      const boxes = (el.options || []).map((o) => {
        const input = h("input", { type: radio ? "radio" : "checkbox", name: group, value: o.value, checked: initial.includes(o.value) });
        return { o, input, node: h("label", { class: "bk-check" }, input, h("span", {}, h("span", { html: textHtml(o.text) }), o.description ? h("small", { html: textHtml(o.description) }) : null)) };
      });
      const read = () => {
        const chosen = boxes.filter((b) => b.input.checked).map((b) => b.o);
        return radio ? { type: el.type, selected_option: chosen[0] || null } : { type: el.type, selected_options: chosen };
      };
      for (const b of boxes) {
        b.input.addEventListener("change", () => {
          if (!inInput || ctx.dispatch) fire(radio ? { selected_option: read().selected_option } : { selected_options: read().selected_options });
        });
      }
      const node = h("div", { dataset: { actionId: el.action_id } }, boxes.map((b) => b.node));
      return inInput ? field(node, read) : node;
    }
    case "file_input": {
      // The picked file is shared with the fake Slack at once (as Slack does on upload); the form
      // then submits its id, and the app fetches it with files.info + url_private_download.
      const accept = (el.filetypes || []).map((t) => `.${t}`).join(",");
      const input = h("input", { type: "file", class: "bk-input", accept, dataset: { actionId: el.action_id } });
      let uploaded = null;
      let pending = null;
      input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        uploaded = null;
        if (!file) return;
        pending = file.arrayBuffer().then(async (buf) => {
          let bin = "";
          const bytes = new Uint8Array(buf);
          for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          const r = await api("upload", { name: file.name, data: btoa(bin) });
          if (r && r.id) uploaded = { id: r.id, name: file.name };
          input.dataset.fileId = uploaded ? uploaded.id : "";
        });
      });
      const read = () => ({ type: "file_input", files: uploaded ? [uploaded] : [] });
      read.ready = () => pending;
      return field(input, read);
    }
    default:
      return inInput ? field(h("span", { class: "bk-context" }, `[${el.type}]`), () => null) : h("span", { class: "bk-context" }, `[${el.type}]`);
  }
}

function renderInputBlock(block, ctx) {
  const blockId = block.block_id;
  const el = block.element || {};
  const kept = ctx.values?.[blockId]?.[el.action_id];
  const f = renderElement(el, { ...ctx, dispatch: Boolean(block.dispatch_action) }, blockId, true, kept && kept.type === el.type ? kept : undefined);
  const error = ctx.errors?.[blockId];
  const node = h(
    "div",
    { class: `input-block${error ? " has-error" : ""}`, dataset: { blockId } },
    h("div", { class: "label" }, plainText(block.label), block.optional ? h("span", { class: "optional" }, " (optional)") : null),
    f.node,
    block.hint ? h("div", { class: "hint" }, plainText(block.hint)) : null,
    error ? h("div", { class: "field-error", role: "alert" }, error) : null,
  );
  ctx.fields?.push({ block, el, read: f.read });
  return node;
}

// ---------------------------------------------------------------------------
// Menus and dialogs

function openMenu(anchor, items) {
  const menu = $("menu");
  menu.replaceChildren(
    ...items.map((it) => {
      if (it.divider) return h("hr");
      if (it.title) return h("div", { class: "menu-title" }, it.title);
      if (it.note) return h("div", { class: "menu-note" }, it.note);
      return h(
        "button",
        {
          type: "button",
          role: "menuitem",
          disabled: it.disabled,
          title: it.tooltip,
          onclick: () => {
            closeMenu();
            void it.onClick();
          },
        },
        it.label,
      );
    }),
  );
  menu.hidden = false;
  const r = anchor.getBoundingClientRect();
  const w = menu.offsetWidth;
  menu.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - w - 8))}px`;
  const below = r.bottom + 4;
  menu.style.top = `${below + menu.offsetHeight > window.innerHeight ? Math.max(8, r.top - menu.offsetHeight - 4) : below}px`;
  setTimeout(() => document.addEventListener("click", closeMenuOnOutside, { once: true }), 0);
}

function closeMenu() {
  $("menu").hidden = true;
}

function closeMenuOnOutside(ev) {
  if (!$("menu").contains(ev.target)) closeMenu();
  else document.addEventListener("click", closeMenuOnOutside, { once: true });
}

function confirmDialog(c) {
  return new Promise((resolve) => {
    const layer = h("div", { class: "overlay confirm" });
    const done = (v) => {
      layer.remove();
      resolve(v);
    };
    layer.append(
      h(
        "div",
        { class: "modal", role: "alertdialog" },
        h("div", { class: "modal-header" }, h("h2", {}, plainText(c.title) || "Are you sure?")),
        h("div", { class: "modal-body" }, h("div", { class: "text", html: textHtml(c.text) })),
        h(
          "div",
          { class: "modal-footer" },
          h("button", { type: "button", class: "bk-btn", onclick: () => done(false) }, plainText(c.deny) || "Cancel"),
          h("button", { type: "button", class: `bk-btn ${c.style === "danger" ? "danger" : "primary"}`, onclick: () => done(true) }, plainText(c.confirm) || "Yes"),
        ),
      ),
    );
    document.body.append(layer);
  });
}

// ---------------------------------------------------------------------------
// Rendering the page

function render() {
  const st = S.state;
  if (!st) return;
  if (!S.as || !st.people.some((p) => p.id === S.as)) S.as = st.me.id;
  renderSwitcher();
  const visible = new Set(st.channels.map((c) => c.id));
  if (!S.view || (!S.view.startsWith("app:") && !visible.has(S.view))) S.view = (st.channels.find((c) => c.kind === "channel") || st.channels[0]).id;
  if (S.thread && !visible.has(S.thread.channel)) S.thread = null;
  $("clock").textContent = `App clock: ${new Date(st.now).toLocaleString("en-US", { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" })}${st.clockOffsetHours ? ` (+${formatOffset(st.clockOffsetHours)})` : ""}`;
  markSeen();
  renderSidebar();
  renderMain();
  renderThread();
  renderModal();
}

function formatOffset(hours) {
  return hours >= 24 ? `${Math.round((hours / 24) * 10) / 10} d` : `${Math.round(hours * 10) / 10} h`;
}

function describe(p) {
  if (p.kind === "internal") return `${p.name} — ${p.company}, ${p.isAdmin ? "our admin" : "our rep"}`;
  if (p.kind === "partner") return `${p.name} — ${p.company}, partner rep`;
  return `${p.name} — ${p.company}, unrelated company`;
}

function renderSwitcher() {
  const sel = $("person");
  const key = S.state.people.map((p) => p.id + p.name + p.company).join();
  if (sel.dataset.key !== key) {
    sel.replaceChildren(...S.state.people.map((p) => h("option", { value: p.id }, describe(p))));
    sel.dataset.key = key;
  }
  sel.value = S.as;
}

const channelMessages = (id) => (S.state.messages[id] || []);
const latestTs = (id) => channelMessages(id).reduce((max, m) => (m.ts > max ? m.ts : max), "");

function markSeen() {
  const seen = (S.lastSeen[S.as] ||= {});
  const current = S.view.startsWith("app:") ? `D_${S.as}` : S.view;
  seen[current] = latestTs(current);
  if (S.thread) seen[S.thread.channel] = latestTs(S.thread.channel);
}

function unread(id) {
  const seen = S.lastSeen[S.as]?.[id];
  if (seen === undefined) return 0;
  return channelMessages(id).filter((m) => m.ts > seen && m.user !== S.as && (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast)).length;
}

function renderSidebar() {
  const st = S.state;
  const channels = st.channels.filter((c) => c.kind === "channel");
  const dm = st.channels.find((c) => c.kind === "dm");
  const key = JSON.stringify([S.as, S.view, st.workspace, channels.map((c) => [c.id, c.name, c.shared, unread(c.id)]), dm && unread(dm.id)]);
  if (S.rendered.sidebar === key) return;
  S.rendered.sidebar = key;
  const item = (id, label, extra, active) =>
    h("button", { type: "button", class: `nav-item${active ? " active" : ""}`, dataset: { channel: id }, onclick: () => go(id) }, label, extra);
  const nodes = [
    h("div", { class: "workspace" }, h("b", {}, st.workspace), h("span", {}, `${me().name} · ${me().title}`)),
    h("div", { class: "section-title" }, "Channels"),
    ...channels.map((c) => {
      const n = unread(c.id);
      const mark = c.shared ? h("span", { class: "shared", title: `Slack Connect: shared with ${c.sharedWith.join(", ")}` }, "⇄") : h("span", {}, "#");
      return item(c.id, [mark, h("span", { class: "name" }, c.name)], n ? h("span", { class: "badge" }, n) : null, S.view === c.id);
    }),
    h("div", { class: "section-title" }, "Direct messages"),
    item("app:messages", [h("span", { class: "app-dot" }, "cs"), h("span", {}, "cosell")], dm && unread(dm.id) ? h("span", { class: "badge" }, unread(dm.id)) : null, S.view === "app:messages"),
    h("div", { class: "section-title" }, "Apps"),
    item("app:home", [h("span", { class: "app-dot" }, "cs"), h("span", {}, "cosell · Home")], null, S.view === "app:home"),
  ];
  $("sidebar").replaceChildren(...nodes);
}

function go(view, opts = {}) {
  S.view = view;
  if (!opts.keepThread) S.thread = null;
  S.rendered.messages = "";
  S.rendered.header = "";
  if (view === "app:home" && S.state.can.appHome) void api("home", { tab: "home" });
  if (view === "app:messages" && S.state.can.appHome) void api("home", { tab: "messages" });
  render();
}

function currentChannel() {
  if (S.view.startsWith("app:")) return S.state.channels.find((c) => c.kind === "dm");
  return S.state.channels.find((c) => c.id === S.view);
}

function renderMain() {
  const st = S.state;
  const isApp = S.view.startsWith("app:");
  const channel = currentChannel();
  const header = $("channel-header");
  const headerKey = JSON.stringify([S.view, S.as, channel?.name, channel?.sharedWith]);
  if (S.rendered.header !== headerKey) {
    S.rendered.header = headerKey;
    if (isApp) {
      const tab = (id, label) => h("button", { type: "button", class: `tab${S.view === id ? " active" : ""}`, onclick: () => go(id) }, label);
      header.replaceChildren(
        h("h1", {}, "cosell"),
        h("span", { class: "topic" }, "Register and run co-sell deals with partners"),
        h("div", { class: "tabs", role: "tablist" }, tab("app:home", "Home"), tab("app:messages", "Messages")),
      );
    } else if (channel) {
      header.replaceChildren(
        h("h1", {}, `${channel.shared ? "⇄ " : "# "}${channel.name}`),
        channel.shared ? h("span", { class: "connect-badge", title: "A Slack Connect channel: people of these organizations are in it" }, `🔗 Shared with ${channel.sharedWith.join(", ")}`) : h("span", { class: "connect-badge" }, `Internal to ${st.ourCompany}`),
        channel.topic ? h("span", { class: "topic" }, channel.topic) : null,
      );
    }
  }
  const composer = $("composer");
  const showHome = S.view === "app:home";
  composer.hidden = showHome;
  const hint = st.can.commands ? " — try /cosell help" : "";
  $("composer-input").placeholder = isApp ? `Message cosell${hint}` : channel ? `Message ${channel.shared ? "" : "#"}${channel.name}${hint}` : "Message";

  const list = $("messages");
  if (showHome) {
    const key = JSON.stringify(["home", S.as, st.home, st.can.appHome]);
    if (S.rendered.messages === key) return;
    S.rendered.messages = key;
    if (!st.can.appHome) {
      list.replaceChildren(h("div", { class: "notice-box" }, `cosell is installed in ${st.ourCompany}'s Slack workspace, not in ${me().company}'s, so its Home tab isn't available to you. In Slack Connect you use its buttons on the messages in your shared channel.`));
      return;
    }
    if (!st.home) {
      list.replaceChildren(h("div", { class: "empty" }, "Opening the Home tab…"));
      return;
    }
    const ctx = { surface: "home", act: (action) => api("action", { viewId: st.home.id, action, values: {} }) };
    list.replaceChildren(h("div", { class: "home", dataset: { viewId: st.home.id } }, renderBlocks(st.home.view.blocks, ctx)));
    list.scrollTop = 0;
    return;
  }
  if (!channel) return;
  const msgs = channelMessages(channel.id).filter((m) => !m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast);
  const key = JSON.stringify([channel.id, S.as, msgs, S.highlight, st.people.length]);
  if (S.rendered.messages === key) return;
  S.rendered.messages = key;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const nodes = [];
  let lastDay = "";
  for (const m of msgs) {
    const d = new Date(Number(m.ts) * 1000);
    const day = d.toDateString();
    if (day !== lastDay) {
      lastDay = day;
      const label = dayLabel(d, true);
      nodes.push(h("div", { class: "day" }, label ? label[0].toUpperCase() + label.slice(1) : d.toLocaleDateString("en-US", { weekday: "long", month: "long", day: "numeric" })));
    }
    nodes.push(renderMessage(m, { inThread: false }));
  }
  if (nodes.length === 0) nodes.push(h("div", { class: "empty" }, isApp ? "cosell's messages to you land here." : "No messages yet. Type /cosell help below."));
  list.replaceChildren(...nodes);
  const target = S.highlight && S.highlight.channel === channel.id ? list.querySelector(`.msg[data-ts="${CSS.escape(S.highlight.ts)}"]`) : null;
  if (target) target.scrollIntoView({ block: "center" });
  else if (atBottom || list.dataset.channel !== channel.id) list.scrollTop = list.scrollHeight;
  list.dataset.channel = channel.id;
}

function author(m) {
  if (m.username === "Slackbot") return { name: "Slackbot", cls: "slackbot", initials: "sb", bot: true };
  if (m.bot_id) return { name: "cosell", cls: "bot", initials: "cs", bot: true };
  const p = person(m.user);
  return p ? { name: p.name, cls: p.kind, initials: initials(p.name), person: p } : { name: m.user || "someone", cls: "stranger", initials: "?" };
}

function renderMessage(m, opts) {
  const a = author(m);
  const time = new Date(Number(m.ts) * 1000).toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" });
  const highlighted = S.highlight && S.highlight.channel === m.channel && S.highlight.ts === m.ts;
  const ctx = { surface: "message", act: (action) => api("action", { channel: m.channel, ts: m.ts, action }) };
  const content = m.blocks && m.blocks.length ? renderBlocks(m.blocks, ctx) : h("div", { class: "text", html: mrkdwn(m.text) });
  const external = a.person && a.person.teamId !== me().teamId;
  const node = h(
    "div",
    { class: `msg${m.ephemeral ? " ephemeral" : ""}${m.pinned ? " pinned" : ""}${highlighted ? " highlight" : ""}`, dataset: { ts: m.ts, channel: m.channel } },
    h("div", { class: `avatar ${a.cls}` }, a.initials),
    h(
      "div",
      { class: "msg-body" },
      m.pinned ? h("div", { class: "pin-note" }, "📌 Pinned by cosell") : null,
      h(
        "div",
        { class: "meta" },
        h("b", {}, a.name),
        a.bot && a.name === "cosell" ? h("span", { class: "app-badge" }, "APP") : null,
        external ? h("span", { class: "ext-badge", title: "From another organization (Slack Connect)" }, `🏢 ${a.person.company}`) : null,
        h("time", { datetime: new Date(Number(m.ts) * 1000).toISOString(), title: new Date(Number(m.ts) * 1000).toString() }, time),
        m.edited ? h("span", { class: "edited" }, "(edited)") : null,
      ),
      m.ephemeral
        ? h("div", { class: "eph-note" }, "👁 Only visible to you · ", h("a", { onclick: () => api("dismiss", { channel: m.channel, ts: m.ts }) }, "Dismiss"))
        : null,
      m.thread_ts && m.thread_ts !== m.ts && m.reply_broadcast && !opts.inThread ? h("div", { class: "eph-note" }, "replied to a thread") : null,
      content,
      ...(m.files || []).map(renderFile),
      !opts.inThread && m.replyCount ? h("a", { class: "replies", onclick: () => openThread(m.channel, m.ts) }, `${m.replyCount} ${m.replyCount === 1 ? "reply" : "replies"}`) : null,
    ),
  );
  if (!m.ephemeral) {
    const more = h("button", { type: "button", title: "More actions", "aria-label": "More actions" }, "⋮");
    more.addEventListener("click", (ev) => {
      ev.stopPropagation();
      openMessageMenu(more, m);
    });
    const reply = h("button", { type: "button", title: "Reply in thread", "aria-label": "Reply in thread", onclick: () => openThread(m.channel, m.thread_ts || m.ts) }, "💬");
    node.append(h("div", { class: "msg-actions" }, opts.inThread ? null : reply, more));
  }
  return node;
}

function renderFile(f) {
  const url = `/${f.url_private}`;
  if (f.mimetype.startsWith("image/")) {
    return h("div", { class: "file" }, h("div", { class: "file-title" }, f.title || f.name), h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: f.title || f.name })));
  }
  const ext = (f.name.split(".").pop() || "file").toUpperCase();
  return h("div", { class: "file" }, h("a", { class: "file-card", href: url, download: f.name }, h("span", { class: "ext" }, ext), h("span", {}, h("b", {}, f.title || f.name), h("div", { class: "file-title" }, `${f.name} · ${Math.max(1, Math.round(f.size / 1024))} KB`))));
}

function openMessageMenu(anchor, m) {
  const st = S.state;
  const items = [
    { label: "Reply in thread", onClick: () => openThread(m.channel, m.thread_ts || m.ts) },
    { label: "Copy link", onClick: () => navigator.clipboard?.writeText(`${location.origin}/archives/${m.channel}/p${m.ts.replace(".", "")}`) },
    { divider: true },
    { title: "Shortcuts" },
    {
      label: `${st.shortcuts.message.name} · cosell`,
      disabled: !st.can.shortcuts,
      onClick: () => api("shortcut", { channel: m.channel, ts: m.ts, callbackId: st.shortcuts.message.callbackId }),
    },
  ];
  if (!st.can.shortcuts) items.push({ note: `cosell is installed in ${st.ourCompany}'s workspace, not ${me().company}'s: its shortcuts aren't available to you (Slack Connect).` });
  openMenu(anchor, items);
}

function openThread(channel, ts) {
  S.thread = { channel, ts };
  S.rendered.thread = "";
  render();
}

function renderThread() {
  const pane = $("thread");
  if (!S.thread) {
    pane.hidden = true;
    S.rendered.thread = "";
    return;
  }
  const all = channelMessages(S.thread.channel);
  const parent = all.find((m) => m.ts === S.thread.ts);
  const replies = all.filter((m) => m.thread_ts === S.thread.ts && m.ts !== S.thread.ts);
  const key = JSON.stringify([S.thread, S.as, parent, replies]);
  if (S.rendered.thread === key) return;
  const typed = pane.querySelector("textarea")?.value || "";
  S.rendered.thread = key;
  pane.hidden = false;
  const channel = S.state.channels.find((c) => c.id === S.thread.channel);
  const input = h("textarea", { rows: 1, placeholder: "Reply…" });
  input.value = typed;
  const form = h("form", { class: "composer", onsubmit: (ev) => { ev.preventDefault(); void send(input, S.thread.channel, S.thread.ts); } }, input, h("button", { type: "submit", class: "send" }, "Send"));
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  pane.replaceChildren(
    h("div", { class: "thread-header" }, h("b", {}, "Thread ", h("span", { class: "topic" }, channel ? `${channel.kind === "dm" ? "cosell" : `#${channel.name}`}` : "")), h("button", { type: "button", title: "Close thread", onclick: () => { S.thread = null; render(); } }, "✕")),
    h(
      "div",
      { class: "messages" },
      parent ? renderMessage(parent, { inThread: true }) : h("div", { class: "empty" }, "This message is gone."),
      h("div", { class: "reply-count" }, `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`),
      ...replies.map((r) => renderMessage(r, { inThread: true })),
    ),
    form,
  );
  const list = pane.querySelector(".messages");
  list.scrollTop = list.scrollHeight;
}

// ---------------------------------------------------------------------------
// Modals

function readValues(fields) {
  const values = {};
  for (const f of fields) {
    const v = f.read();
    if (!v) continue;
    (values[f.block.block_id] ||= {})[f.el.action_id] = v;
  }
  return values;
}

function isEmpty(v) {
  if (!v) return true;
  for (const k of ["value", "selected_option", "selected_date", "selected_time", "selected_date_time", "selected_user", "selected_conversation", "selected_channel"]) if (k in v) return v[k] === null || v[k] === "";
  for (const k of ["selected_options", "selected_users", "selected_conversations", "selected_channels", "files"]) if (k in v) return v[k].length === 0;
  return false;
}

/** Slack's own checks before a submission reaches the app. */
function clientErrors(fields) {
  const errors = {};
  for (const f of fields) {
    if (f.block.type !== "input") continue;
    const v = f.read();
    const id = f.block.block_id;
    if (isEmpty(v)) {
      if (!f.block.optional) errors[id] = "Please complete this required field.";
      continue;
    }
    if (f.el.type === "number_input") {
      const n = Number(v.value);
      if (!Number.isFinite(n)) errors[id] = "Please enter a number.";
      else if (!f.el.is_decimal_allowed && !Number.isInteger(n)) errors[id] = "Please enter a whole number.";
      else if (f.el.min_value !== undefined && n < Number(f.el.min_value)) errors[id] = `Please enter a number of at least ${f.el.min_value}.`;
      else if (f.el.max_value !== undefined && n > Number(f.el.max_value)) errors[id] = `Please enter a number no greater than ${f.el.max_value}.`;
    }
    if (f.el.type === "plain_text_input" && f.el.min_length && v.value.length < f.el.min_length) errors[id] = `Please enter at least ${f.el.min_length} characters.`;
  }
  return errors;
}

function renderModal() {
  const overlay = $("overlay");
  const modal = S.state.modal;
  if (!modal) {
    overlay.hidden = true;
    overlay.replaceChildren();
    S.modal.key = "";
    return;
  }
  const key = JSON.stringify([S.as, modal.id, modal.view]);
  if (S.modal.key === key) return;
  // Keep what the person typed (Slack keeps input across views.update when ids are unchanged).
  if (S.modal.viewId && S.modal.fields.length) S.valuesCache[S.modal.viewId] = readValues(S.modal.fields);
  if (S.modal.viewId !== modal.id) {
    S.modal.errors = {};
    S.modal.error = "";
  } else if (S.modal.key) {
    S.modal.errors = {};
  }
  S.modal.key = key;
  S.modal.viewId = modal.id;
  drawModal();
}

function drawModal() {
  const modal = S.state.modal;
  const view = modal.view;
  const fields = [];
  S.modal.fields = fields;
  const ctx = {
    surface: "modal",
    fields,
    values: S.valuesCache[modal.id] || {},
    errors: S.modal.errors,
    act: (action) => api("action", { viewId: modal.id, action, values: readValues(fields) }),
  };
  const body = renderBlocks(view.blocks, ctx);
  const hasInputs = (view.blocks || []).some((b) => b.type === "input");
  const submit = view.submit && hasInputs ? h("button", { type: "submit", class: "bk-btn primary" }, plainText(view.submit)) : view.submit ? h("button", { type: "submit", class: "bk-btn primary" }, plainText(view.submit)) : null;
  const form = h(
    "form",
    { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": plainText(view.title), dataset: { viewId: modal.id, callbackId: view.callback_id || "" }, novalidate: true },
    h(
      "div",
      { class: "modal-header" },
      modal.depth > 1 ? h("button", { type: "button", title: "Back", onclick: () => api("close", { viewId: modal.id, all: false }) }, "←") : h("span", { class: "app" }, "cs"),
      h("h2", {}, plainText(view.title)),
      h("button", { type: "button", title: "Close", "aria-label": "Close", onclick: () => api("close", { viewId: modal.id, all: true }) }, "✕"),
    ),
    h("div", { class: "modal-body" }, S.modal.error ? h("div", { class: "modal-error", role: "alert" }, S.modal.error) : null, body),
    h(
      "div",
      { class: "modal-footer" },
      h("button", { type: "button", class: "bk-btn", onclick: () => api("close", { viewId: modal.id, all: false }) }, plainText(view.close) || "Cancel"),
      submit,
    ),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (S.modal.busy) return;
    // A file still uploading (file_input) is waited for, as Slack does.
    await Promise.all(fields.map((f) => (f.read.ready ? f.read.ready() : null)));
    const errors = clientErrors(fields);
    S.valuesCache[modal.id] = readValues(fields);
    if (Object.keys(errors).length) {
      S.modal.errors = errors;
      S.modal.error = "";
      drawModal();
      return;
    }
    S.modal.busy = true;
    for (const b of form.querySelectorAll("button")) b.disabled = true;
    try {
      const out = await api("submit", { viewId: modal.id, values: readValues(fields) });
      if (out.errors || out.notice) {
        S.modal.errors = out.errors || {};
        S.modal.error = out.notice || "";
        if (S.state.modal && S.state.modal.id === modal.id) drawModal();
      }
    } finally {
      S.modal.busy = false;
      for (const b of form.querySelectorAll("button")) b.disabled = false;
    }
  });
  $("overlay").replaceChildren(form);
  $("overlay").hidden = false;
  const first = form.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (first) first.focus();
}

// ---------------------------------------------------------------------------
// Composer, switcher, tools

async function send(input, channel, threadTs) {
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  hideSlashHint();
  if (text.startsWith("/") && !threadTs) await api("command", { channel, text });
  else if (text.startsWith("/")) await api("command", { channel, text });
  else await api("message", { channel, text, ...(threadTs ? { threadTs } : {}) });
}

function hideSlashHint() {
  $("slash-hint").hidden = true;
}

function setupComposer() {
  const input = $("composer-input");
  const form = $("composer");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const channel = currentChannel();
    if (channel) void send(input, channel.id);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight}px`;
    const hint = $("slash-hint");
    const text = input.value;
    if (!text.startsWith("/") || text.includes(" ") || !S.state) return void (hint.hidden = true);
    if (!S.state.can.commands) {
      hint.replaceChildren(h("div", { class: "usage" }, `No app commands match in ${me().company}'s workspace. cosell is installed in ${S.state.ourCompany}'s workspace (Slack Connect: its buttons work for you, its commands don't).`));
    } else if ("/cosell".startsWith(text.toLowerCase())) {
      hint.replaceChildren(
        h("div", {}, h("span", { class: "cmd" }, "/cosell "), h("span", { class: "usage" }, 'help | new [account] | list | show CS-12 | log CS-12 demo "note" | stage CS-12 proposal')),
        h("div", { class: "usage" }, "Register and run co-sell deals with partners · cosell"),
      );
    } else return void (hint.hidden = true);
    hint.hidden = false;
  });
}

function setupTools() {
  $("person").addEventListener("change", (ev) => {
    S.as = ev.target.value;
    localStorage.setItem("cosell.as", S.as);
    S.thread = null;
    S.rendered = { sidebar: "", messages: "", thread: "", header: "", home: "" };
    S.modal.key = "";
    // Slack sends app_home_opened whenever someone looks at the Home tab.
    if (S.view === "app:home") void api("home", { tab: "home" });
    scheduleRefresh(0);
  });
  $("shortcut-btn").addEventListener("click", (ev) => {
    ev.stopPropagation();
    const st = S.state;
    const items = [
      { title: "Shortcuts · cosell" },
      { label: st.shortcuts.global.name, disabled: !st.can.shortcuts, onClick: () => api("shortcut", { callbackId: st.shortcuts.global.callbackId }) },
    ];
    if (!st.can.shortcuts) items.push({ note: `Not available to people from ${me().company}: cosell is installed in ${st.ourCompany}'s workspace (Slack Connect).` });
    openMenu(ev.currentTarget, items);
  });
  $("jobs-btn").addEventListener("click", (ev) => {
    ev.stopPropagation();
    const items = [
      { title: "Run the scheduled jobs now" },
      ...S.state.jobs.map((j) => ({ label: `Run ${j.label.toLowerCase()} now`, onClick: () => api("jobs", { job: j.id }) })),
      { divider: true },
      { title: "Move the app's clock forward" },
      { label: "+1 hour", onClick: () => api("clock", { advanceHours: 1 }) },
      { label: "+1 day", onClick: () => api("clock", { advanceHours: 24 }) },
      { label: "+1 week", onClick: () => api("clock", { advanceHours: 168 }) },
      { label: "+30 days", onClick: () => api("clock", { advanceHours: 720 }) },
    ];
    openMenu(ev.currentTarget, items);
  });
  document.addEventListener("click", (ev) => {
    const link = ev.target.closest("a");
    if (!link) return;
    if (link.dataset.openChannel) {
      ev.preventDefault();
      if (S.state.channels.some((c) => c.id === link.dataset.openChannel)) go(link.dataset.openChannel);
      else toast("You're not in that channel.");
      return;
    }
    const perma = (link.getAttribute("href") || "").match(/^https:\/\/[a-z0-9.-]+\.slack\.com\/archives\/([A-Z0-9_]+)\/p(\d+)/i);
    if (perma) {
      ev.preventDefault();
      const ts = `${perma[2].slice(0, -6)}.${perma[2].slice(-6)}`;
      S.highlight = { channel: perma[1], ts };
      if (S.state.channels.some((c) => c.id === perma[1])) go(perma[1]);
      else toast("You're not in that channel.");
    }
  });
}

setupComposer();
setupTools();
connectEvents();
void refresh();
