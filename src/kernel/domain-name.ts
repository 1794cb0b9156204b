// Account domains as people paste them: "https://www.Acme.com/pricing?x=1" → "acme.com".
// The domain is the key for account matching and conflict detection, so it must be canonical.
// Internationalized names are stored in their ASCII (punycode) form, the one DNS uses:
// "bücher.de", "BÜCHER.de" and "xn--bcher-kva.de" are the same account key "xn--bcher-kva.de"
// (node:url's domainToASCII, UTS #46 as browsers apply it; invalid punycode is refused).

import { domainToASCII } from "node:url";

export type NormalizeDomainResult = { ok: true; domain: string } | { ok: false; reason: string };

const EXAMPLE = "e.g. acme.com";
const LABEL_CHARS = /^[\p{L}\p{M}\p{N}-]+$/u;

function fail(reason: string): NormalizeDomainResult {
  return { ok: false, reason };
}

export function normalizeDomain(input: string): NormalizeDomainResult {
  let s = input.normalize("NFC").trim();
  if (s === "") return fail(`Give the company's web domain (${EXAMPLE})`);

  const emailReason = `That looks like an email address; give the company's web domain (${EXAMPLE}), not an email`;
  if (/^mailto:/i.test(s)) return fail(emailReason);

  if (/\s/.test(s)) return fail(`A domain cannot contain spaces; give the company's web domain (${EXAMPLE})`);

  // Scheme ("https://") or protocol-relative ("//").
  let hadScheme = false;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(s);
  if (scheme) {
    s = s.slice(scheme[0].length);
    hadScheme = true;
  } else if (s.startsWith("//")) {
    s = s.slice(2);
    hadScheme = true;
  }

  // Host part: up to the path, query or fragment.
  let host = s.split(/[/?#\\]/, 1)[0] ?? "";
  if (host.includes("@")) {
    if (!hadScheme) return fail(emailReason);
    host = host.slice(host.lastIndexOf("@") + 1); // URL user info
  }
  if (host.startsWith("[")) return fail(`An IP address is not a company domain; give its web domain (${EXAMPLE})`);
  host = host.replace(/:\d*$/, ""); // port
  // Ideographic full stops used in some scripts are dots too.
  host = host.replace(/[\u3002\uFF0E\uFF61]/g, ".");
  if (host.endsWith(".")) host = host.slice(0, -1);
  host = host.toLowerCase();

  if (host === "") return fail(`Give the company's web domain (${EXAMPLE})`);
  if (host.includes(":")) return fail(`"${host}" is not a domain; give the company's web domain (${EXAMPLE})`);

  const typed = host.split(".");
  if (typed.some((l) => l === "")) {
    return fail(`"${host}" has an empty part (two dots in a row or a leading dot); check the domain`);
  }
  if (typed.length < 2) {
    return fail(`"${host}" needs a dot and an ending, like acme.com`);
  }
  for (const label of typed) {
    if (!LABEL_CHARS.test(label)) {
      return fail(`"${label}" contains characters a domain cannot have (only letters, digits and hyphens)`);
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return fail(`"${label}" cannot start or end with a hyphen`);
    }
  }
  // One form for every spelling: the ASCII (punycode) name.
  const ascii = /^[a-z0-9.-]+$/.test(host) && !/(^|\.)xn--/.test(host) ? host : domainToASCII(host);
  if (ascii === "" || !/^[a-z0-9.-]+$/.test(ascii)) {
    return fail(`"${host}" is not a valid internationalized domain name; check the spelling (${EXAMPLE})`);
  }
  let labels = ascii.split(".");
  if (labels.some((l) => l === "")) {
    return fail(`"${host}" has an empty part (two dots in a row or a leading dot); check the domain`);
  }
  if (labels.length >= 3 && labels[0] === "www") labels = labels.slice(1);
  if (labels.length < 2) {
    return fail(`"${host}" needs a dot and an ending, like acme.com`);
  }
  for (const label of labels) {
    if (label.startsWith("-") || label.endsWith("-")) {
      return fail(`"${label}" cannot start or end with a hyphen`);
    }
    if (label.length > 63) {
      return fail(`"${label.slice(0, 20)}…" is longer than 63 characters, the limit for one part of a domain`);
    }
  }
  const tld = labels[labels.length - 1] ?? "";
  if (/^\d+$/.test(tld)) {
    return fail(`An IP address is not a company domain; give its web domain (${EXAMPLE})`);
  }
  if (tld.length < 2) {
    return fail(`".${tld}" is not a real domain ending; check the domain (${EXAMPLE})`);
  }
  const domain = labels.join(".");
  if (domain.length > 253) return fail("That domain is longer than 253 characters");
  return { ok: true, domain };
}

/** The normalized domain, or null when the input is not a usable domain. */
export function domainOrNull(input: string): string | null {
  const r = normalizeDomain(input);
  return r.ok ? r.domain : null;
}
