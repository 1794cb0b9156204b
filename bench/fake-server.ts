// The fake Slack Web API in its own process, as Slack is for the app: the benchmark's
// latencies then measure the app, not the fake sharing its event loop.
import { FakeSlack } from "../test/support/fake-slack";
import { PEOPLE } from "../test/support/seed";

const fake = await new FakeSlack().start();
for (const person of Object.values(PEOPLE)) fake.users.set(person.user, { id: person.user, team_id: person.team });
// Keep memory flat over long runs: the benchmark does not read the recordings.
setInterval(() => fake.reset(), 1000).unref();
process.stdout.write(`${fake.port}\n`);
process.on("SIGTERM", () => void fake.stop().then(() => process.exit(0)));
