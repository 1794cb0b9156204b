// What other features may use of disputes' Slack side (listener.ts is internal).
export { runRecompute } from "./listener";
