// What other features may use of touchpoints' Slack side (listener.ts is internal).
export { openWithDealPicker } from "./listener";
