import { getServerSession } from "next-auth";
import { encode, type JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authOptions, readSession } from "@/lib/auth/options";
import { checkSession, revokeSession } from "@/lib/auth/sessions";
import { ensureDatabase, runtime } from "@/lib/platform/runtime";
import { DatabaseUnavailableError } from "@/lib/platform/db/errors";
import { env } from "@/lib/platform/config";
import { getSignedInUserId, memberForAction, SERVICE_UNAVAILABLE } from "@/lib/auth/context";
import { BlackholeProxy } from "@/tests/helpers/blackhole-proxy";
import { addMember, createOrganization, createUser, type TestOrganization, type TestUser } from "@/tests/helpers/fixtures";

// A signed-in session while the database goes silent under a running instance (a firewall that
// forgets the flows, a frozen server): the app talks to PostgreSQL through a proxy that the test
// blackholes and restores. PostgreSQL only (PGlite is in-process and can't go away); the same
// answers for a database that refuses connections are in api-outage.test.ts, on both.
const target = process.env.DATABASE_URL || null;

const COOKIE = "next-auth.session-token";
const browser = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ host: "localhost:3000", "x-forwarded-proto": "http" }),
  cookies: async () => ({
    getAll: () => [...browser.cookies].map(([name, value]) => ({ name, value })),
    get: (name: string) => (browser.cookies.has(name) ? { name, value: browser.cookies.get(name)! } : undefined),
  }),
}));

/** next-auth's session read as the /api/auth/session route runs it: what it answered, what it set, and what the check found. */
async function readWithNextAuth(token: JWT) {
  const cookie = await encode({ token, secret: env().authSecret });
  const setCookie: string[] = [];
  const res = { getHeader: () => setCookie, setHeader: (_name: string, value: string[]) => setCookie.splice(0, setCookie.length, ...value) };
  const req = { headers: { host: "localhost:3000", "x-forwarded-proto": "http" }, cookies: { [COOKIE]: cookie } };
  const { result, check } = await readSession(() => getServerSession(req as never, res as never, authOptions()));
  return { userId: (result?.user as { id?: string } | undefined)?.id, check, clearsCookie: setCookie.some((c) => c.startsWith(`${COOKIE}=;`)) };
}

describe.runIf(target)("a signed-in session while the database goes silent (PostgreSQL)", () => {
  let proxy: BlackholeProxy;
  let organization: TestOrganization;
  let user: TestUser;
  let token: JWT;

  beforeAll(async () => {
    proxy = await BlackholeProxy.start(target!);
    // Read by lib/env on first use, which is below.
    process.env.DATABASE_URL = proxy.url(target!);
    await ensureDatabase();
    organization = await createOrganization("Session Outage");
    user = await createUser();
    await addMember(organization.id, user, "developer");
    token = await authOptions().callbacks!.jwt!({
      token: { sub: user.id, name: user.name, email: user.email },
      user: { id: user.id, name: user.name, email: user.email },
      account: null,
      trigger: "signIn",
    });
    browser.cookies.set(COOKIE, await encode({ token, secret: env().authSecret }));
  });

  afterAll(async () => {
    proxy.restore();
    await runtime().close();
    await proxy.close();
  });

  it("is 'unavailable', not ended, while the database is silent: nobody gets in, nobody is signed out; it is active again once it answers", async () => {
    expect(await checkSession(token)).toBe("active");
    expect(await getSignedInUserId()).toBe(user.id);
    expect(await memberForAction(organization.slug)).toMatchObject({ ok: true });

    proxy.blackhole({ newConnections: "blackhole" });
    // Each answer waits out the query or connect timeout (lib/platform/db/database.ts DATABASE_TIMEOUTS), then says "couldn't check".
    expect(await checkSession(token)).toBe("unavailable");
    const read = await readWithNextAuth(token);
    expect(read.userId).toBeUndefined();
    expect(read.check).toBe("unavailable");
    await expect(getSignedInUserId()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(await memberForAction(organization.slug)).toEqual({ ok: false, message: SERVICE_UNAVAILABLE });

    proxy.restore();
    expect(await checkSession(token)).toBe("active");
    expect(await getSignedInUserId()).toBe(user.id);
    expect(await memberForAction(organization.slug)).toMatchObject({ ok: true, member: { organization: { slug: organization.slug } } });
  }, 90_000);

  it("is 'ended' once revoked: next-auth answers no session and clears the cookie, and actions say the session has ended", async () => {
    await revokeSession(token.sid as string);
    expect(await checkSession(token)).toBe("ended");
    const read = await readWithNextAuth(token);
    expect(read).toEqual({ userId: undefined, check: "ended", clearsCookie: true });
    expect(await getSignedInUserId()).toBeNull();
    expect(await memberForAction(organization.slug)).toEqual({ ok: false, message: expect.stringMatching(/session has ended/) });
  });
});
