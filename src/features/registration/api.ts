// What other features may use of registration's Slack side (listener.ts is internal).
export { openRegisterModal } from "./listener";
