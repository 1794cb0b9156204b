import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/platform/logger";

describe("logger", () => {
  it("never writes tokens or the signing secret", () => {
    const lines: string[] = [];
    const log = createLogger({ secrets: ["my-signing-secret-123"], sink: (l) => lines.push(l) });
    log.error("call failed", { headers: { authorization: "Bearer xoxb-123-456-abc" }, secret: "my-signing-secret-123", app: "xapp-1-A1-xyz" });
    log.info(new Error("token xoxp-999-888 rejected"));
    const out = lines.join("\n");
    expect(out).not.toMatch(/xoxb-123|xoxp-999|xapp-1-A1|my-signing-secret-123/);
    expect(out).toContain("[redacted]");
    expect(out).toContain("call failed");
  });
});
