// The fake Slack grew into the playground's Slack; tests keep importing it from here.
export * from "../../dev/playground/fake-slack";
