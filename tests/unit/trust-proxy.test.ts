import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { clientIp } from "@/lib/platform/request-info";
import { normalizeIp, parseTrustProxy, resolveClientIp } from "@/lib/platform/trust-proxy.mjs";
import { readEnv } from "@/lib/platform/config";

const resolve = (setting: string | undefined, socket: string | undefined, forwardedFor?: string) =>
  resolveClientIp(parseTrustProxy(setting), socket, forwardedFor);

describe("normalizeIp", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    [" 203.0.113.9 ", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["::FFFF:10.0.0.1", "10.0.0.1"],
    ["203.0.113.9:4711", "203.0.113.9"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each(["", "unknown", "evil.example", "1.2.3", "999.1.1.1", "1.2.3.4, 5.6.7.8", "<script>", undefined, null])("%s is not an address", (input) => {
    expect(normalizeIp(input)).toBeNull();
  });
});

describe("TRUST_PROXY off (the default)", () => {
  it.each([undefined, "", "false", "0", " 0 "])("%j: the socket's address, whatever X-Forwarded-For says", (setting) => {
    expect(resolve(setting, "198.51.100.4")).toBe("198.51.100.4");
    expect(resolve(setting, "198.51.100.4", "203.0.113.1")).toBe("198.51.100.4");
    expect(resolve(setting, "198.51.100.4", "203.0.113.1, 203.0.113.2")).toBe("198.51.100.4");
    expect(resolve(setting, "::ffff:198.51.100.4", "203.0.113.1")).toBe("198.51.100.4");
  });

  it("rotating the header never changes the address", () => {
    const seen = new Set(Array.from({ length: 50 }, (_, i) => resolve(undefined, "127.0.0.1", `10.0.0.${i}`)));
    expect([...seen]).toEqual(["127.0.0.1"]);
  });

  it("a socket without an address is 'unknown', not the header", () => {
    expect(resolve(undefined, undefined, "203.0.113.1")).toBe("unknown");
  });
});

describe("TRUST_PROXY as a hop count", () => {
  it("1: the entry the one proxy appended, not what the client wrote before it", () => {
    expect(resolve("1", "10.0.0.2", "203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("1", "10.0.0.2", "6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("1", "10.0.0.2", "6.6.6.6,203.0.113.7")).toBe("203.0.113.7");
  });

  it("2: two proxies, so the second entry from the right", () => {
    expect(resolve("2", "10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.3")).toBe("203.0.113.7");
  });

  it("more hops than entries: the leftmost entry there is", () => {
    expect(resolve("3", "10.0.0.2", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("no header (a request that bypassed the proxy): the socket's address", () => {
    expect(resolve("1", "10.0.0.2")).toBe("10.0.0.2");
    expect(resolve("1", "10.0.0.2", "")).toBe("10.0.0.2");
  });

  it("an entry that is not an address stops at the hop that passed it on", () => {
    expect(resolve("1", "10.0.0.2", "garbage")).toBe("10.0.0.2");
    expect(resolve("2", "10.0.0.2", "garbage, 203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("2", "10.0.0.2", "203.0.113.7, , 10.0.0.3")).toBe("10.0.0.3");
    expect(resolve("1", "10.0.0.2", "x".repeat(10_000))).toBe("10.0.0.2");
  });

  it("entries are normalised: IPv4-mapped, ports, brackets", () => {
    expect(resolve("1", "::ffff:10.0.0.2", "::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("1", "10.0.0.2", "203.0.113.7:5123")).toBe("203.0.113.7");
    expect(resolve("1", "10.0.0.2", "[2001:db8::7]:5123")).toBe("2001:db8::7");
  });
});

describe("TRUST_PROXY as addresses and ranges", () => {
  it("walks from the right while the hop is a trusted proxy", () => {
    const setting = "10.0.0.0/8, 192.0.2.1";
    expect(resolve(setting, "10.1.2.3", "6.6.6.6, 203.0.113.7, 192.0.2.1")).toBe("203.0.113.7");
    expect(resolve(setting, "10.1.2.3", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("a request from an untrusted peer keeps the peer's address", () => {
    expect(resolve("10.0.0.0/8", "198.51.100.4", "203.0.113.7")).toBe("198.51.100.4");
  });

  it("a client that forges a trusted proxy's address ahead of its own is still itself", () => {
    // The client sent "10.9.9.9"; the proxy appended the client's real address after it.
    expect(resolve("10.0.0.0/8", "10.0.0.2", "10.9.9.9, 203.0.113.7")).toBe("203.0.113.7");
  });

  it("matches IPv4-mapped IPv6 peers against IPv4 ranges", () => {
    expect(resolve("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("IPv6 ranges", () => {
    expect(resolve("fd00::/8", "fd12::1", "2001:db8::7")).toBe("2001:db8::7");
    expect(resolve("fd00::/8", "2001:db8::9", "2001:db8::7")).toBe("2001:db8::9");
  });

  it("names: loopback, uniquelocal, linklocal", () => {
    expect(resolve("loopback", "::1", "203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("loopback", "127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("uniquelocal", "172.20.0.5", "10.0.0.9, 203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("uniquelocal", "172.20.0.5", "203.0.113.7, 10.0.0.9")).toBe("203.0.113.7");
    expect(resolve("linklocal", "169.254.1.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(resolve("loopback", "10.0.0.1", "203.0.113.7")).toBe("10.0.0.1");
  });

  it.each(["true", "0.0.0.0/0", "::/0", "::ffff:0:0/96", "10.0.0.0/8, ::/64", "proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "10.0.0.1/8/8", "constructor"])("refuses %j", (setting) => {
    expect(() => parseTrustProxy(setting)).toThrow(/TRUST_PROXY/);
  });

  it("the server refuses to start with a bad TRUST_PROXY, before serving anything", () => {
    const run = spawnSync(process.execPath, ["scripts/server.mjs"], { env: { ...process.env, TRUST_PROXY: "true", PORT: "0" }, encoding: "utf8", timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/TRUST_PROXY=true would trust any client/);
  });

  it("lib/platform/config.ts reports a bad TRUST_PROXY as a configuration error", () => {
    expect(() => readEnv({ AUTH_SECRET: "x".repeat(32), TRUST_PROXY: "10.0.0.0/33" })).toThrow(/TRUST_PROXY/);
    expect(() => readEnv({ AUTH_SECRET: "x".repeat(32), TRUST_PROXY: "loopback, 10.0.0.0/8" })).not.toThrow();
  });
});

describe("clientIp (what the app reads)", () => {
  it("the last X-Forwarded-For entry (what scripts/server.mjs resolved), never the client-written first one", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "198.51.100.4" }))).toBe("198.51.100.4");
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientIp({ "x-forwarded-for": "::ffff:203.0.113.7" })).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-forwarded-for": "junk" }))).toBe("unknown");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});

describe("addressKey (what rate limits count by)", () => {
  it("is the address itself for IPv4, and the /64 for IPv6", async () => {
    const { addressKey } = await import("@/lib/platform/request-info");
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("2001:db8:7:1::1")).toBe("2001:db8:7:1::/64");
    expect(addressKey("2001:0DB8:0007:0001:ffff:1:2:3")).toBe("2001:db8:7:1::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::")).toBe("fe80:0:0:0::/64");
    expect(addressKey("unknown")).toBe("unknown");
  });
});
