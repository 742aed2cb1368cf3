import { normalizeIp } from "@/lib/platform/trust-proxy.mjs";

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The client's address: the last X-Forwarded-For entry. scripts/server.mjs (`npm start`) overwrites
 * the header with the one address it resolved from the socket and TRUST_PROXY. A server started some
 * other way (plain `next start`) can't see the socket: Next fills the header from it only when the
 * client sent none, so there a client talking to the app directly can still choose its address.
 * The first entry, which any client can write whatever the proxies do, is never used.
 */
export function clientIp(headers: HeaderSource): string {
  return normalizeIp(header(headers, "x-forwarded-for")?.split(",").at(-1)) ?? "unknown";
}

export function userAgent(headers: HeaderSource): string | null {
  return header(headers, "user-agent")?.slice(0, 512) ?? null;
}

/**
 * What rate limits count by: the address, but for IPv6 its /64. One subscriber (a home, a cloud
 * instance) is routinely given a whole /64, so counting single IPv6 addresses would hand an
 * attacker 2^64 fresh ones.
 */
export function addressKey(ip: string): string {
  if (!ip.includes(":") || ip.includes(".")) return ip;
  const [head = "", tail] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  if (groups.length !== 8) return ip;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
