export * from "../../dev/playground/fake-hubspot";
