import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FakeFile, FakeSlack, SlackMessage, StoredView } from "./fake-slack";

// The playground's Slack lives beside its database: messages, App Home views and uploaded files
// are kept in <dataDir>/slack.json and <dataDir>/files/, so deal cards the database points at
// (by channel and ts) are still there after a restart. Open modals are not kept.

interface Snapshot {
  format: 1;
  messages: SlackMessage[];
  homes: StoredView[];
  files: FakeFile[];
}

export function loadWorkspace(fake: FakeSlack, dir: string): boolean {
  const file = path.join(dir, "slack.json");
  if (!existsSync(file)) return false;
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  fake.messages.push(...snap.messages);
  for (const v of snap.homes) {
    fake.views.set(v.id, v);
    fake.homes.set(v.userId, v.id);
  }
  for (const f of snap.files) {
    const p = path.join(dir, "files", f.id);
    fake.files.set(f.id, { ...f, ...(existsSync(p) ? { bytes: readFileSync(p) } : {}) });
  }
  fake.changed();
  return true;
}

/** Writes the workspace a moment after it changes (changes come in bursts). */
export function keepWorkspace(fake: FakeSlack, dir: string): { flush(): void; stop(): void } {
  mkdirSync(path.join(dir, "files"), { recursive: true });
  const written = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const files: FakeFile[] = [];
    for (const f of fake.files.values()) {
      if (f.pending) continue;
      const { bytes, pending: _p, ...meta } = f;
      files.push(meta);
      if (bytes && !written.has(f.id)) {
        writeFileSync(path.join(dir, "files", f.id), bytes);
        written.add(f.id);
      }
    }
    const homes = [...fake.homes.values()].map((id) => fake.views.get(id)).filter((v): v is StoredView => Boolean(v));
    const snap: Snapshot = { format: 1, messages: fake.messages, homes, files };
    const file = path.join(dir, "slack.json");
    writeFileSync(`${file}.tmp`, JSON.stringify(snap));
    renameSync(`${file}.tmp`, file);
  };
  const off = fake.onChange(() => {
    if (!timer) timer = setTimeout(flush, 300);
  });
  return {
    flush,
    stop() {
      off();
      flush();
    },
  };
}
