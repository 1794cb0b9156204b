import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

// A local HubSpot that speaks the parts of its API cosell uses, in HubSpot's documented shapes
// (CRM v3 objects): read a deal, search deals by hs_lastmodifieddate (sorted, paged by `after`,
// at most 10,000 results per query), search and create notes associated with a deal. It checks
// the bearer token, records every call, and can be told to fail (500, or 429 with Retry-After).
// Tests and the playground move deals with `setDeal` (which sets hs_lastmodifieddate) and then
// send, or leave out, the webhook HubSpot would have sent.

export interface FakeDeal {
  id: string;
  properties: Record<string, string | null>;
}

export interface FakeNote {
  id: string;
  body: string;
  dealIds: string[];
  timestamp: string;
}

export interface HubSpotCall {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

type Failure = { match: RegExp; status: number; retryAfter?: number; times: number; after: boolean };

export class FakeHubSpot {
  readonly deals = new Map<string, FakeDeal>();
  readonly notes: FakeNote[] = [];
  readonly calls: HubSpotCall[] = [];
  accessToken = "pat-test-0000";
  private failures: Failure[] = [];
  private server: Server | undefined;
  private seq = 0;
  /** the fake's clock for hs_lastmodifieddate (ms); defaults to the real time */
  now: () => number = () => Date.now();
  url = "";

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", r));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  reset(): void {
    this.deals.clear();
    this.notes.length = 0;
    this.calls.length = 0;
    this.failures = [];
  }

  /** Creates or changes a deal; hs_lastmodifieddate becomes `at` (default the fake's now). Returns that time. */
  setDeal(id: string, properties: Record<string, string | null>, at = this.now()): number {
    const d = this.deals.get(id) ?? { id, properties: { hs_object_id: id, pipeline: "default", createdate: new Date(at).toISOString() } };
    Object.assign(d.properties, properties, { hs_lastmodifieddate: new Date(at).toISOString() });
    this.deals.set(id, d);
    return at;
  }

  /**
   * The next `times` calls whose "METHOD path" matches fail with that status (429: with
   * Retry-After seconds). `after`: the call takes effect, then its answer is lost (a 5xx).
   */
  fail(match: RegExp, status: number, opts: { times?: number; retryAfter?: number; after?: boolean } = {}): void {
    this.failures.push({
      match,
      status,
      times: opts.times ?? 1,
      after: opts.after ?? false,
      ...(opts.retryAfter !== undefined ? { retryAfter: opts.retryAfter } : {}),
    });
  }

  callsTo(method: string, path: RegExp): HubSpotCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.calls.push({ method, path: url.pathname, body, status });
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      return send(401, { status: "error", message: "Authentication credentials not found.", category: "INVALID_AUTHENTICATION" });
    }
    const failure = this.failures.find((f) => f.times > 0 && f.match.test(`${method} ${url.pathname}`));
    if (failure?.after) {
      failure.times--;
      // Done, but the answer never arrives as a success.
      await this.route(method, url, body, () => undefined);
      return send(failure.status, { status: "error", message: "internal error", category: "INTERNAL_ERROR" });
    }
    if (failure) {
      failure.times--;
      if (failure.status === 429) {
        return send(
          429,
          { status: "error", message: "You have reached your secondly limit.", errorType: "RATE_LIMIT", category: "RATE_LIMITS" },
          { "retry-after": String(failure.retryAfter ?? 1) },
        );
      }
      return send(failure.status, { status: "error", message: "internal error", category: "INTERNAL_ERROR" });
    }

    await this.route(method, url, body, send);
  }

  private async route(
    method: string,
    url: URL,
    body: unknown,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const dealMatch = /^\/crm\/v3\/objects\/deals\/(\d+)$/.exec(url.pathname);
    if (method === "GET" && dealMatch) {
      const d = this.deals.get(dealMatch[1]!);
      if (!d) return send(404, { status: "error", message: "Object not found.", category: "OBJECT_NOT_FOUND" });
      const asked = url.searchParams.getAll("properties").flatMap((v) => v.split(","));
      const wanted = asked.length > 0 ? asked : Object.keys(d.properties);
      return send(200, this.object(d.id, d.properties, wanted));
    }
    if (method === "POST" && url.pathname === "/crm/v3/objects/deals/search") {
      const q = body as SearchRequest;
      const filters = q.filterGroups?.[0]?.filters ?? [];
      let rows = [...this.deals.values()];
      for (const f of filters) {
        if (f.propertyName === "hs_lastmodifieddate" && f.operator === "GTE")
          rows = rows.filter((d) => Date.parse(d.properties.hs_lastmodifieddate ?? "") >= Number(f.value));
      }
      rows.sort(
        (a, b) => Date.parse(a.properties.hs_lastmodifieddate ?? "") - Date.parse(b.properties.hs_lastmodifieddate ?? "") || Number(a.id) - Number(b.id),
      );
      const offset = Number(q.after ?? 0);
      if (offset >= 10_000) return send(400, { status: "error", message: "Search results are limited to 10,000.", category: "VALIDATION_ERROR" });
      const limit = Math.min(q.limit ?? 10, 200);
      const page = rows.slice(offset, offset + limit);
      // Like HubSpot: a next page is offered past the cap too; asking for it is refused (400).
      const next = offset + limit < rows.length ? String(offset + limit) : undefined;
      return send(200, {
        total: rows.length,
        results: page.map((d) => this.object(d.id, d.properties, q.properties ?? Object.keys(d.properties))),
        ...(next ? { paging: { next: { after: next } } } : {}),
      });
    }
    if (method === "POST" && url.pathname === "/crm/v3/objects/notes/search") {
      const q = body as SearchRequest;
      const filters = q.filterGroups?.[0]?.filters ?? [];
      let rows = [...this.notes];
      for (const f of filters) {
        if (f.propertyName === "associations.deal" && f.operator === "EQ") rows = rows.filter((n) => n.dealIds.includes(String(f.value)));
        if (f.propertyName === "hs_note_body" && f.operator === "CONTAINS_TOKEN") rows = rows.filter((n) => n.body.includes(String(f.value)));
      }
      return send(200, {
        total: rows.length,
        results: rows.map((n) => this.object(n.id, { hs_note_body: n.body, hs_timestamp: n.timestamp }, ["hs_note_body"])),
      });
    }
    if (method === "POST" && url.pathname === "/crm/v3/objects/notes") {
      const input = body as { properties: Record<string, string>; associations?: { to: { id: string }; types: { associationTypeId: number }[] }[] };
      const note: FakeNote = {
        id: String(9_000_000 + ++this.seq),
        body: input.properties.hs_note_body ?? "",
        timestamp: input.properties.hs_timestamp ?? new Date(this.now()).toISOString(),
        dealIds: (input.associations ?? []).filter((a) => a.types.some((t) => t.associationTypeId === 214)).map((a) => a.to.id),
      };
      this.notes.push(note);
      return send(201, this.object(note.id, { hs_note_body: note.body, hs_timestamp: note.timestamp }, ["hs_note_body", "hs_timestamp"]));
    }
    return send(404, { status: "error", message: `no route ${method} ${url.pathname} in the fake HubSpot`, category: "OBJECT_NOT_FOUND" });
  }

  private object(id: string, properties: Record<string, string | null>, wanted: readonly string[]) {
    const now = new Date(this.now()).toISOString();
    return {
      id,
      properties: Object.fromEntries(wanted.filter((k) => k in properties).map((k) => [k, properties[k] ?? null])),
      createdAt: properties.createdate ?? now,
      updatedAt: properties.hs_lastmodifieddate ?? now,
      archived: false,
    };
  }
}

interface SearchRequest {
  filterGroups?: { filters: { propertyName: string; operator: string; value?: string }[] }[];
  sorts?: string[];
  properties?: string[];
  limit?: number;
  after?: string;
}
