// Which address a request comes from, given TRUST_PROXY (Express's `trust proxy`, restricted to the
// safe forms). Plain ESM with JSDoc types: scripts/server.mjs runs it under plain Node, before Next.
import { BlockList, isIP } from "node:net";

/**
 * Whether to trust the hop at `hop` (0 = the socket's peer, 1 = the last X-Forwarded-For entry…)
 * to have told the truth about the hop before it.
 * @typedef {(address: string, hop: number) => boolean} TrustProxy
 */

// Express's named ranges, for proxies on the same host or in the same private network.
const NAMED = {
  loopback: ["127.0.0.1/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/**
 * "1.2.3.4", "::ffff:1.2.3.4", "[::1]:443" or "1.2.3.4:80" → the bare address, or null when it
 * isn't an IP address at all.
 * @param {string | undefined | null} value
 * @returns {string | null}
 */
export function normalizeIp(value) {
  let address = (value ?? "").trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1] ?? "";
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1] ?? "";
  const version = isIP(address);
  if (version === 4) return address;
  // Zone ids ("fe80::1%eth0") say nothing about the client and BlockList refuses them.
  if (version === 6) return address.replace(/%.*$/, "").toLowerCase();
  return null;
}

/**
 * Parses TRUST_PROXY. Unset, "", "false", "0": trust no proxy (the socket's address). A positive
 * integer n: n proxies in front of the app. Otherwise a comma-separated list of proxy addresses,
 * CIDR ranges or the names loopback, linklocal, uniquelocal. "true" (trust every hop) is refused:
 * it would let any client choose its address.
 * @param {string | undefined} value
 * @returns {TrustProxy}
 */
export function parseTrustProxy(value) {
  const text = (value ?? "").trim();
  if (text === "" || text === "false" || text === "0") return () => false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  if (text === "true") {
    throw new Error('TRUST_PROXY=true would trust any client\'s X-Forwarded-For: give the number of proxies (e.g. "1") or their addresses');
  }
  const list = new BlockList();
  for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
    const name = entry.toLowerCase();
    for (const item of Object.hasOwn(NAMED, name) ? NAMED[/** @type {keyof typeof NAMED} */ (name)] : [entry]) addToList(list, item);
  }
  return (address) => {
    const ip = normalizeIp(address);
    return ip !== null && list.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6");
  };
}

/**
 * @param {BlockList} list
 * @param {string} item
 */
function addToList(list, item) {
  const [base, bits, ...rest] = item.split("/");
  const ip = normalizeIp(base);
  const family = ip && isIP(ip) === 4 ? "ipv4" : "ipv6";
  const max = family === "ipv4" ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d+$/.test(bits) ? Number(bits) : NaN;
  if (!ip || rest.length > 0 || !(prefix >= 0 && prefix <= max)) {
    throw new Error(`TRUST_PROXY: "${item}" is not an IP address, a CIDR range (e.g. 10.0.0.0/8) or loopback/linklocal/uniquelocal`);
  }
  // A range that holds every address (0.0.0.0/0, ::/0) or every IPv4 address (a v6 range over
  // ::ffff:0:0/96) is TRUST_PROXY=true in disguise: any client could choose its address.
  const single = new BlockList();
  single.addSubnet(ip, prefix, family);
  if (prefix === 0 || (family === "ipv6" && single.check("::ffff:0.0.0.0", "ipv6") && single.check("::ffff:255.255.255.255", "ipv6"))) {
    throw new Error(`TRUST_PROXY: "${item}" would trust every client's X-Forwarded-For; list your proxies' own addresses or ranges`);
  }
  list.addSubnet(ip, prefix, family);
}

/**
 * The client's address: start at the socket's peer and walk X-Forwarded-For from the right while
 * the hop that reported the next address is trusted. An entry that is not an address ends the walk
 * at the hop that passed it on, so a client can never make its address an arbitrary string.
 * @param {TrustProxy} trust
 * @param {string | undefined} socketAddress
 * @param {string | string[] | undefined} forwardedFor
 * @returns {string}
 */
export function resolveClientIp(trust, socketAddress, forwardedFor) {
  let client = normalizeIp(socketAddress) ?? "unknown";
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "")).split(",").reverse();
  for (let hop = 0; hop < forwarded.length && trust(client, hop); hop++) {
    const next = normalizeIp(forwarded[hop]);
    if (next === null) break;
    client = next;
  }
  return client;
}
