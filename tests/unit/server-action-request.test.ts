import { describe, expect, it } from "vitest";
import nextConfig from "@/next.config";
import { checkServerActionRequest, isPossibleServerAction, SERVER_ACTION_BODY_LIMIT } from "@/lib/http/server-action-request";

// What proxy.ts refuses before Next decodes a server action (Next answers each of these with a 500),
// and what it must let through: the bodies React's client sends for this app's actions.

const ORIGIN = "http://localhost:3000";
const ACTION_ID = "402db8090f49a6c57c24d66b39be5237a5ace6186b";

function action(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/acme/settings/api-keys`, {
    method: "POST",
    headers: { host: "localhost:3000", origin: ORIGIN, "next-action": ACTION_ID, "content-type": "text/plain;charset=UTF-8", ...headers },
    body,
  });
}

function multipart(fields: [string, string | Blob][], headers: Record<string, string> = {}, withAction = true): Request {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  const encoded = new Request(ORIGIN, { method: "POST", body: form });
  return new Request(`${ORIGIN}/login`, {
    method: "POST",
    headers: {
      host: "localhost:3000",
      origin: ORIGIN,
      ...(withAction ? { "next-action": ACTION_ID } : {}),
      "content-type": encoded.headers.get("content-type")!,
      ...headers,
    },
    body: encoded.body,
    duplex: "half",
  } as RequestInit);
}

const statusOf = async (request: Request) => (await checkServerActionRequest(request))?.status ?? "passes";

describe("server-action requests that React's client sends pass", () => {
  it.each([
    ["the roll action's argument", '[{"organization":"acme","keyId":"cmabc","overlapSeconds":3600}]'],
    ["no arguments", "[]"],
    ["undefined, NaN, ±Infinity, -0, a date, a bigint, an escaped $", '["$undefined","$NaN","$Infinity","$-Infinity","$-0","$D2025-01-01T00:00:00.000Z","$n123","$$x"]'],
    ["an object sent twice (by its path the second time)", '[{"a":{"b":1}},"$0:0:a"]'],
  ])("text/plain: %s", async (_what, body) => {
    expect(await statusOf(action(body))).toBe("passes");
  });

  it("multipart: a form action's (previous state, FormData)", async () => {
    const request = multipart([
      ["_1_name", "ci"],
      ["_1_environment", "production"],
      ["0", '["$undefined","$K1"]'],
    ]);
    expect(await statusOf(request)).toBe("passes");
  });

  it("multipart without Next-Action: a form posted before hydration, with its bound previous state", async () => {
    const request = multipart(
      [
        ["$ACTION_REF_1", ""],
        ["$ACTION_1:0", `{"id":"${ACTION_ID}","bound":"$@1"}`],
        ["$ACTION_1:1", "[null]"],
        ["$ACTION_KEY", "k123"],
        ["email", "alice@acme.test"],
      ],
      {},
      false,
    );
    expect(await statusOf(request)).toBe("passes");
    expect(await statusOf(multipart([["$ACTION_ID_" + ACTION_ID, ""], ["email", "x"]], {}, false))).toBe("passes");
    expect(await statusOf(multipart([["q", "any form"]], {}, false))).toBe("passes");
  });

  it("a request without an Origin header, as Next lets through", async () => {
    const request = action("[]");
    request.headers.delete("origin");
    expect(await statusOf(request)).toBe("passes");
  });

  it("the body limit is next.config.ts's serverActions.bodySizeLimit", async () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(SERVER_ACTION_BODY_LIMIT);
    expect(await statusOf(action(`["${"a".repeat(SERVER_ACTION_BODY_LIMIT - 4)}"]`))).toBe("passes");
  });
});

describe("malformed server-action requests are a 4xx, not Next's 500", () => {
  it.each([
    ["an empty body", ""],
    ["a body that is not JSON", "hello"],
    ["half a JSON document", "{"],
    ["a JSON string (not an argument list)", '"x"'],
    ["a JSON object (not an argument list)", '{"a":1}'],
    ["a number", "5"],
    ["a reference to a part a text body can't have", '["$1"]'],
    ["a Map whose part is missing", '["$Q1"]'],
    ["a server reference whose part is missing", '["$h1"]'],
    ["a promise", '["$@1"]'],
    ["a temporary reference (a proxy our code would trip on)", '["$T"]'],
    ["a blob", '["$B1"]'],
    ["a bigint that isn't one", '["$nabc"]'],
    ["a path that leads nowhere", '["$0:5:x"]'],
    ["a path to a string", '["x","$0:0"]'],
    ["an unknown tag", '["$Z"]'],
    ["lists nested 20,000 deep", `${"[".repeat(20_000)}${"]".repeat(20_000)}`],
    ["1,001 arguments", JSON.stringify(Array(1001).fill(0))],
  ])("text/plain: %s is 400", async (_what, body) => {
    expect(await statusOf(action(body))).toBe(400);
  });

  it("bytes that are not UTF-8 are 400", async () => {
    expect(await statusOf(action(new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d])))).toBe(400);
  });

  it("a body over the limit is 413, by its Content-Length or as it is read (chunked)", async () => {
    const big = "a".repeat(2 * 1024 * 1024);
    expect(await statusOf(action(`["${big}"]`))).toBe(413);
    expect(await statusOf(action("[]", { "content-length": String(2 * 1024 * 1024) }))).toBe(413);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 2 * 1024 * 1024) return controller.close();
        sent += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x61));
      },
    });
    expect(await statusOf(new Request(action(null), { body: stream, duplex: "half" } as RequestInit))).toBe(413);
    expect(sent).toBeLessThan(SERVER_ACTION_BODY_LIMIT + 64 * 1024);
  });

  it.each([["application/json"], ["application/x-www-form-urlencoded"], ["text/html"], [""]])("Content-Type %j is 415", async (type) => {
    const request = action("[]", { "content-type": type });
    if (!type) request.headers.delete("content-type");
    expect(await statusOf(request)).toBe(415);
  });

  it.each([["http://evil.test"], ["null"], ["::"], ["http://localhost:3000.evil.test"]])("Origin %j (not this host) is 403", async (origin) => {
    expect(await statusOf(action("[]", { origin }))).toBe(403);
    expect(await statusOf(multipart([["q", "x"]], { origin }, false))).toBe(403);
  });

  it("an Origin matching X-Forwarded-Host passes, as Next compares it", async () => {
    expect(await statusOf(action("[]", { origin: "https://dash.example", "x-forwarded-host": "dash.example" }))).toBe("passes");
  });

  it("multipart: no boundary, garbage, no arguments, arguments twice or as a file, or a bad argument list is 400", async () => {
    expect(await statusOf(action("garbage", { "content-type": "multipart/form-data" }))).toBe(400);
    expect(await statusOf(action("garbage", { "content-type": "multipart/form-data; boundary=xyz" }))).toBe(400);
    expect(await statusOf(multipart([["_1_name", "x"]]))).toBe(400);
    expect(await statusOf(multipart([["0", "[]"], ["0", "[]"]]))).toBe(400);
    expect(await statusOf(multipart([["0", new File(["[]"], "0.json")]]))).toBe(400);
    expect(await statusOf(multipart([["0", '["$Q1"]']]))).toBe(400);
    expect(await statusOf(multipart([["0", "{"]]))).toBe(400);
  });

  it("multipart without Next-Action: bound arguments that are missing or malformed are 400", async () => {
    const ref = (descriptor: string, bound?: string) =>
      multipart([["$ACTION_REF_1", ""], ["$ACTION_1:0", descriptor], ...(bound === undefined ? [] : ([["$ACTION_1:1", bound]] as [string, string][]))], {}, false);
    expect(await statusOf(ref(`{"id":"${ACTION_ID}","bound":"$@1"}`))).toBe(400);
    expect(await statusOf(ref(`{"id":"${ACTION_ID}","bound":"$@1"}`, "{"))).toBe(400);
    expect(await statusOf(ref(`{"id":"${ACTION_ID}","bound":"$@1"}`, '["$Q2"]'))).toBe(400);
    expect(await statusOf(ref(`{"id":"${ACTION_ID}","bound":"$Q1"}`, "[]"))).toBe(400);
    expect(await statusOf(ref(`{"id":"${ACTION_ID}","bound":null,"x":"$@2"}`))).toBe(400);
    expect(await statusOf(ref("not json"))).toBe(400);
    expect(await statusOf(ref(`{"id":"${ACTION_ID}","bound":null}`))).toBe("passes");
  });
});

describe("isPossibleServerAction: what Next would decode", () => {
  it("is a POST with Next-Action, or a multipart POST", () => {
    expect(isPossibleServerAction("POST", new Headers({ "next-action": "x" }))).toBe(true);
    expect(isPossibleServerAction("POST", new Headers({ "content-type": "multipart/form-data; boundary=x" }))).toBe(true);
    expect(isPossibleServerAction("POST", new Headers({ "content-type": "application/x-www-form-urlencoded" }))).toBe(false);
    expect(isPossibleServerAction("GET", new Headers({ "next-action": "x" }))).toBe(false);
  });
});
