// Import boundaries of the house (npm run lint:boundaries). See docs/architecture.md.
//   kernel    pure deal vocabulary: imports nothing with I/O, no platform (but mrkdwn), no feature
//   platform  db, config, logger, clock, outbox, Slack wrapper: never imports a feature
//   features  use cases and repositories never import a Slack renderer (types only), renderers
//             never import a use case or repository (types only), and a feature's Slack adapters
//             (listener.ts, *commands.ts, *-listener.ts) are wired by src/listeners.ts only
const RENDERERS = "^src/features/[^/]+/(render|card|list-view|modal|receipt|overview|panel|setup-modal|config-modal|text|chart)\\.ts$";
const ADAPTERS = "^src/features/[^/]+/(listener|commands|command|admin-commands|setup-commands|panel-listener|setup-listener)\\.ts$";
// pure rules inside a feature (no I/O): renderers may use them
const RULES = "^src/features/[^/]+/(rules|engine|config-rules|export-rules|metrics|schedule)\\.ts$";
// jobs that post, renderers run at outbox delivery, and the CLI's previews: they render, by design
const EDGES = "job|[a-z-]+-job|sla-sweep|alerts|preview|intents|[a-z-]+-intents|delivery|outbox";
const USE_CASES = `^src/features/[^/]+/(?!(render|card|list-view|modal|receipt|overview|panel|setup-modal|config-modal|text|chart|listener|commands|command|admin-commands|setup-commands|panel-listener|setup-listener|open|api|rules|engine|config-rules|export-rules|metrics|schedule|${EDGES})\\.ts$)[^/]+\\.ts$`;

module.exports = {
  forbidden: [
    {
      name: "kernel-is-pure",
      comment: "src/kernel holds pure rules: no I/O, no platform (but the pure mrkdwn module), no feature",
      severity: "error",
      from: { path: "^src/kernel/" },
      to: {
        pathNot: ["^src/kernel/", "^src/platform/slack/mrkdwn\\.ts$", "^node_modules/zod/", "^url$", "^node:url$"],
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "platform-knows-no-feature",
      comment: "the platform is below the features: it never imports one",
      severity: "error",
      from: { path: "^src/platform/" },
      to: { path: "^src/features/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "use-cases-render-no-slack",
      comment: "a use case returns data; Slack rendering happens at the edge or at outbox delivery",
      severity: "error",
      from: { path: USE_CASES },
      to: { path: [RENDERERS, "^node_modules/@slack/bolt/"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "renderers-are-pure",
      comment: "a renderer is a pure function of plain data: no use case, no repository, no database",
      severity: "error",
      from: { path: RENDERERS },
      to: { path: [USE_CASES, "^src/platform/db/", "^src/generated/", "^node_modules/@prisma/"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "adapters-are-internal",
      comment: "a feature's Slack adapters (listener.ts, *commands.ts) are its internals: src/listeners.ts wires them; other features use its api.ts",
      severity: "error",
      from: { path: "^src/(features/([^/]+)/|platform/|kernel/)" },
      to: { path: ADAPTERS, pathNot: "^src/features/$2/" },
    },
    {
      name: "no-dev-tooling-in-product",
      comment: "dev/ (playground, demo) may use src/, not the other way (main.ts starts the playground)",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/main\\.ts$" },
      to: { path: "^dev/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/generated/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".mjs", ".json"] },
  },
};
