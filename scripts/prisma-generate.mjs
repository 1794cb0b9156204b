// Generates the Prisma client offline. `prisma generate` only needs WASM, but the CLI
// insists on a schema-engine binary it would download; any existing file satisfies it.
// Skips work when the schema has not changed since the last generation.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const schema = readFileSync(path.join(root, "prisma/schema.prisma"));
const pkg = readFileSync(path.join(root, "node_modules/prisma/package.json"));
const hash = createHash("sha256").update(schema).update(pkg).digest("hex");
const stamp = path.join(root, "src/generated/prisma/.schema-hash");
if (!process.argv.includes("--force") && existsSync(stamp) && readFileSync(stamp, "utf8") === hash) process.exit(0);

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "generate"], {
  cwd: root,
  env,
  stdio: ["ignore", "ignore", "inherit"],
});
writeFileSync(stamp, hash);
