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

describe("structured logs", () => {
  it("are JSON lines naming the Slack interaction being handled, with secrets redacted", async () => {
    const { runInRequest } = await import("../../src/platform/request-context");
    const lines: string[] = [];
    const log = createLogger({ secrets: ["my-signing-secret-123"], sink: (l) => lines.push(l), format: "json" });
    log.info("outside any request");
    await runInRequest({ reqId: "1a2b3c4d", kind: "action", id: "deal_ask", user: "U123" }, async () => {
      log.warn("first line", { secret: "my-signing-secret-123" });
      await new Promise((r) => setImmediate(r));
      log.error("after an await");
    });
    const records = lines.map((l) => JSON.parse(l) as Record<string, string>);
    expect(records[0]).toMatchObject({ level: "info", name: "cosell", msg: "outside any request" });
    expect(records[0]).not.toHaveProperty("reqId");
    expect(records[1]).toMatchObject({ level: "warn", reqId: "1a2b3c4d", kind: "action", id: "deal_ask", user: "U123" });
    expect(records[1]!.msg).toContain("[redacted]");
    expect(records[2]).toMatchObject({ level: "error", reqId: "1a2b3c4d", msg: "after an await" });
    expect(lines.join("\n")).not.toContain("my-signing-secret-123");
    expect(Date.parse(records[0]!.time!)).not.toBeNaN();
  });

  it("read as one line per event for a person (pretty)", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), format: "pretty", level: "debug" });
    log.debug("hello", 42);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z DEBUG \[cosell\] hello 42$/);
  });
});
