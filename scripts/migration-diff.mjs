// Prints the migration SQL between two schema files, offline, with Prisma 6's JS schema
// engine (Prisma 7's CLI needs a schema-engine binary that cannot be downloaded here).
// Usage: npm run db:diff -- [--from <old schema.prisma>] [--to <new schema.prisma>]
//   default: --from-empty, --to prisma/schema.prisma. Needs DATABASE_URL (any reachable Postgres).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!process.env.DATABASE_URL) {
  console.error("db:diff needs DATABASE_URL pointing at any reachable Postgres (it is only used by the engine).");
  process.exit(2);
}
const dir = mkdtempSync(path.join(tmpdir(), "cosell-diff-"));
// Prisma 6 wants url = env(...) and a generator it knows.
const prepare = (file, name) => {
  const text = readFileSync(file, "utf8")
    .replace(/generator client \{[^}]*\}/s, 'generator client {\n  provider = "prisma-client-js"\n}')
    .replace(/datasource db \{[^}]*\}/s, 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}');
  const out = path.join(dir, name);
  writeFileSync(out, text);
  return out;
};
const to = prepare(opt("--to") ?? path.join(root, "prisma/schema.prisma"), "to.prisma");
const from = opt("--from") ? prepare(opt("--from"), "from.prisma") : undefined;
writeFileSync(
  path.join(dir, "prisma.config.mjs"),
  `import { PrismaPg } from ${JSON.stringify(path.join(root, "node_modules/adapter-pg6/dist/index.mjs"))};
export default {
  experimental: { adapter: true },
  engine: "js",
  schema: ${JSON.stringify(to)},
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
};
`,
);
const cli = path.join(root, "node_modules/prisma6/build/index.js");
const diffArgs = [
  "migrate",
  "diff",
  "--config",
  path.join(dir, "prisma.config.mjs"),
  ...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]),
  "--to-schema-datamodel",
  to,
  "--script",
];
const sql = execFileSync(process.execPath, [cli, ...diffArgs], {
  cwd: dir,
  env: {
    ...process.env,
    PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
process.stdout.write(sql);
