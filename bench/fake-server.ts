// The fake Slack Web API in its own process, as Slack is for the app: the benchmark's
// latencies then measure the app, not the fake sharing its event loop.
// It also keeps, for the load generator, when each answer a person waits for arrived (wall ms):
// views.open by trigger_id, a response_url post by its id, chat.update by message ts, and
// every chat.postMessage by channel (post:<channel>:<n>).
// `GET /marks` on the second port returns them and forgets them. Prints "<api port> <marks port>".
import { createServer } from "node:http";
import { FakeSlack } from "../test/support/fake-slack";
import { PEOPLE } from "../test/support/seed";

const fake = await new FakeSlack().start();
for (const person of Object.values(PEOPLE)) fake.users.set(person.user, { id: person.user, team_id: person.team });
let marks: Record<string, number> = {};
let posts = 0;
const collect = () => {
  for (const c of fake.calls) {
    if (c.method === "views.open" && typeof c.args.trigger_id === "string") marks[`view:${c.args.trigger_id}`] ??= c.at;
    if (c.method === "chat.update" && typeof c.args.ts === "string") marks[`update:${c.args.ts}`] ??= c.at;
    if (c.method === "chat.postMessage" && typeof c.args.channel === "string") marks[`post:${c.args.channel}:${++posts}`] = c.at;
  }
  for (const r of fake.responses) marks[`response:${r.url.slice("/response/".length)}`] ??= r.at;
  // Keep memory flat over long runs: what matters has been noted.
  fake.reset();
};
setInterval(collect, 50).unref();
const marksServer = createServer((_req, res) => {
  collect();
  const out = marks;
  marks = {};
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
});
await new Promise<void>((r) => marksServer.listen(0, "127.0.0.1", r));
process.stdout.write(`${fake.port} ${(marksServer.address() as { port: number }).port}\n`);
process.on("SIGTERM", () => void fake.stop().then(() => process.exit(0)));
