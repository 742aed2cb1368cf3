import { getServerSession } from "next-auth";
import { encode, type JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { authOptions, readSession } from "@/lib/auth/options";
import { checkSession, createSession, isSessionActive, revokeSession, revokeSessions } from "@/lib/auth/sessions";
import { db } from "@/lib/platform/runtime";
import { env } from "@/lib/platform/config";
import { removeMember } from "@/lib/domain/members/members";
import { actorFor, addMember, createMember, createOrganization, createUser, setupTestDatabase, type TestUser } from "@/tests/helpers/fixtures";

setupTestDatabase();

const COOKIE = "next-auth.session-token";

/** What next-auth's credentials callback does after a successful sign-in: the jwt callback with `user`. */
async function signIn(user: TestUser): Promise<JWT> {
  const token = await authOptions().callbacks!.jwt!({
    token: { sub: user.id, name: user.name, email: user.email },
    user: { id: user.id, name: user.name, email: user.email },
    account: null,
    trigger: "signIn",
  });
  expect(typeof token.sid).toBe("string");
  return token;
}

/** getServerSession as a route handler calls it, with the cookie a browser would send. */
async function readSessionOf(token: JWT): Promise<{ userId: string | undefined; setCookie: string[] }> {
  const cookie = await encode({ token, secret: env().authSecret });
  const setCookie: string[] = [];
  const res = {
    getHeader: () => setCookie,
    setHeader: (_name: string, value: string[]) => setCookie.splice(0, setCookie.length, ...value),
  };
  const req = { headers: { host: "localhost:3000", "x-forwarded-proto": "http", cookie: `${COOKIE}=${cookie}` }, cookies: { [COOKIE]: cookie } };
  const { result: session, check } = await readSession(() => getServerSession(req as never, res as never, authOptions()));
  // What the check found always agrees with next-auth's answer when the database answers.
  expect(check).toBe(session ? "active" : "ended");
  return { userId: (session?.user as { id?: string } | undefined)?.id, setCookie };
}

const active = (token: JWT) => isSessionActive(token);

describe("sessions", () => {
  it("a new session is active; signing out ends it and next-auth then answers no session, clearing the cookie", async () => {
    const user = await createUser();
    const token = await signIn(user);
    expect(await active(token)).toBe(true);
    expect((await readSessionOf(token)).userId).toBe(user.id);

    await authOptions().events!.signOut!({ token, session: undefined as never });

    expect(await active(token)).toBe(false);
    const after = await readSessionOf(token);
    expect(after.userId).toBeUndefined();
    expect(after.setCookie.some((c) => c.startsWith(`${COOKIE}=;`) && /Max-Age=0/i.test(c))).toBe(true);
  });

  it("checkSession tells an active session from an ended one, as a typed result", async () => {
    const user = await createUser();
    const sid = await createSession(user.id);
    expect(await checkSession({ sub: user.id, sid })).toBe("active");
    await revokeSession(sid);
    expect(await checkSession({ sub: user.id, sid })).toBe("ended");
    expect(await checkSession({ sub: user.id })).toBe("ended");
  });

  it("stores only a hash of the session id", async () => {
    const user = await createUser();
    const token = await signIn(user);
    const rows = await db().session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.id).not.toContain(token.sid as string);
  });

  it("revokeSession ends that session only", async () => {
    const user = await createUser();
    const [a, b] = [await createSession(user.id), await createSession(user.id)];
    await revokeSession(a);
    expect(await active({ sub: user.id, sid: a })).toBe(false);
    expect(await active({ sub: user.id, sid: b })).toBe(true);
  });

  it("revokeSessions ends every session of the user except the one named, and nobody else's", async () => {
    const user = await createUser();
    const other = await createUser();
    const current = await createSession(user.id);
    const elsewhere = [await createSession(user.id), await createSession(user.id)];
    const theirs = await createSession(other.id);

    expect(await revokeSessions(user.id, { except: current })).toBe(2);

    expect(await active({ sub: user.id, sid: current })).toBe(true);
    for (const sid of elsewhere) expect(await active({ sub: user.id, sid })).toBe(false);
    expect(await active({ sub: other.id, sid: theirs })).toBe(true);

    expect(await revokeSessions(user.id)).toBe(1);
    expect(await active({ sub: user.id, sid: current })).toBe(false);
  });

  it("a token without a session id (issued before sessions were recorded) is signed out", async () => {
    const user = await createUser();
    await createSession(user.id);
    expect(await active({ sub: user.id })).toBe(false);
    expect((await readSessionOf({ sub: user.id, name: user.name, email: user.email })).userId).toBeUndefined();
  });

  it("a session id presented for another user, or unknown, is refused", async () => {
    const user = await createUser();
    const other = await createUser();
    const sid = await createSession(user.id);
    expect(await active({ sub: other.id, sid })).toBe(false);
    expect(await active({ sub: user.id, sid: "not-a-session" })).toBe(false);
  });

  it("an expired session is refused", async () => {
    const user = await createUser();
    const thirteenHoursAgo = new Date(Date.now() - 13 * 60 * 60 * 1000);
    const sid = await createSession(user.id, thirteenHoursAgo);
    expect(await active({ sub: user.id, sid })).toBe(false);
    expect((await readSessionOf({ sub: user.id, sid })).userId).toBeUndefined();
  });

  it("deleting the user ends their sessions", async () => {
    const user = await createUser();
    const sid = await createSession(user.id);
    await db().user.delete({ where: { id: user.id } });
    expect(await active({ sub: user.id, sid })).toBe(false);
  });

  it("removal from the user's last organization ends their sessions; removal from one of two does not", async () => {
    const first = await createOrganization("Sessions A");
    const second = await createOrganization("Sessions B");
    const ownerA = await createMember(first.id, "owner");
    const ownerB = await createMember(second.id, "owner");
    const user = await createUser();
    const inFirst = await addMember(first.id, user, "developer");
    const inSecond = await addMember(second.id, user, "viewer");
    const token = await signIn(user);

    await removeMember({ organizationId: first.id, membershipId: inFirst.membershipId, actor: { ...actorFor(ownerA.id), role: "owner" } });
    expect(await active(token)).toBe(true);

    await removeMember({ organizationId: second.id, membershipId: inSecond.membershipId, actor: { ...actorFor(ownerB.id), role: "owner" } });
    expect(await active(token)).toBe(false);
    expect((await readSessionOf(token)).userId).toBeUndefined();
  });

  it("signing in again after a sign-out starts a fresh session, and old ended rows are cleaned up", async () => {
    const user = await createUser();
    const old = await createSession(user.id, new Date(Date.now() - 3 * 24 * 60 * 60 * 1000));
    await signIn(user);
    const rows = await db().session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(await active({ sub: user.id, sid: old })).toBe(false);
  });
});
