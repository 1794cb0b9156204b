// npm run build: the production build in dist/ — the Prisma client generated once, the app and
// the CLI bundled by esbuild (npm packages stay imports, resolved from node_modules at run time),
// the playground's page beside them. Runs with plain node and production dependencies only:
// `node dist/main.js`, `node dist/cli.js …`.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const started = Date.now();
execFileSync(process.execPath, [path.join(root, "scripts/prisma-generate.mjs")], { stdio: "inherit", cwd: root });
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, "src/main.ts"), path.join(root, "src/cli.ts")],
  outdir: dist,
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
// The playground's page, read next to the bundle (new URL("./web/", import.meta.url)).
cpSync(path.join(root, "dev/playground/web"), path.join(dist, "web"), { recursive: true });
const bytes = readdirSync(dist, { recursive: true })
  .map((f) => path.join(dist, String(f)))
  .filter((f) => statSync(f).isFile())
  .reduce((n, f) => n + statSync(f).size, 0);
console.log(`build: dist/ (${(bytes / 1024).toFixed(0)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s — start with: node dist/main.js`);
