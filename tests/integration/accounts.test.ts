import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { AccountError, changePassword, getAccount, signUp } from "@/lib/auth/accounts";
import { createSession, isSessionActive } from "@/lib/auth/sessions";
import { db } from "@/lib/platform/runtime";
import { addMember, createOrganization, randomIp, setupTestDatabase, suffix } from "@/tests/helpers/fixtures";

setupTestDatabase();

const OLD = "first-violet-harbour-71";
const NEW = "second-tram-lemon-orbit-42";

async function userWithPassword(password = OLD) {
  const s = suffix();
  return db().user.create({
    // Cost 4: these tests check the logic, not bcrypt's cost.
    data: { name: `Account ${s}`, email: `account-${s}@example.test`, passwordHash: await bcrypt.hash(password, 4) },
    select: { id: true, email: true, name: true },
  });
}

async function expectAccountError(promise: Promise<unknown>, code: AccountError["code"]): Promise<AccountError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected AccountError ${code}`).toBeInstanceOf(AccountError);
  expect((error as AccountError).code).toBe(code);
  return error as AccountError;
}

const storedHash = async (id: string) => (await db().user.findUniqueOrThrow({ where: { id } })).passwordHash;

describe("changePassword", () => {
  it("changes the password and ends every other session of the user, keeping this one and nobody else's", async () => {
    const user = await userWithPassword();
    const other = await userWithPassword();
    const current = await createSession(user.id);
    const elsewhere = [await createSession(user.id), await createSession(user.id)];
    const theirs = await createSession(other.id);

    const result = await changePassword({ userId: user.id, currentPassword: OLD, newPassword: NEW, keepSessionId: current });
    expect(result.endedSessions).toBe(2);

    expect(await bcrypt.compare(NEW, await storedHash(user.id))).toBe(true);
    expect(await bcrypt.compare(OLD, await storedHash(user.id))).toBe(false);
    expect(await isSessionActive({ sub: user.id, sid: current })).toBe(true);
    for (const sid of elsewhere) expect(await isSessionActive({ sub: user.id, sid })).toBe(false);
    expect(await isSessionActive({ sub: other.id, sid: theirs })).toBe(true);
  });

  it("refuses a wrong current password and changes nothing", async () => {
    const user = await userWithPassword();
    const session = await createSession(user.id);
    const before = await storedHash(user.id);
    const error = await expectAccountError(changePassword({ userId: user.id, currentPassword: "not-my-password-at-all", newPassword: NEW }), "wrong_password");
    expect(error.field).toBe("currentPassword");
    expect(await storedHash(user.id)).toBe(before);
    expect(await isSessionActive({ sub: user.id, sid: session })).toBe(true);
  });

  it("applies the password policy to the new password: length, common passwords, the user's own email, the same password", async () => {
    const user = await userWithPassword();
    const before = await storedHash(user.id);
    for (const newPassword of ["short-pw", "password1234", "Password2024!", "aaaaaaaaaaaaaa", user.email.split("@")[0]!, OLD]) {
      const error = await expectAccountError(changePassword({ userId: user.id, currentPassword: OLD, newPassword }), "weak_password");
      expect(error.field).toBe("newPassword");
    }
    expect(await storedHash(user.id)).toBe(before);
  });

  it("two changes racing with the same current password: one wins", async () => {
    const user = await userWithPassword();
    const results = await Promise.allSettled([
      changePassword({ userId: user.id, currentPassword: OLD, newPassword: NEW }),
      changePassword({ userId: user.id, currentPassword: OLD, newPassword: "third-quietly-kites-88" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe("getAccount", () => {
  it("lists the user's organizations with their roles, oldest first, and nobody else's", async () => {
    const user = await userWithPassword();
    const first = await createOrganization("Account First");
    const second = await createOrganization("Account Second");
    await createOrganization("Not Mine");
    await addMember(first.id, user, "developer");
    await addMember(second.id, user, "owner");
    const account = await getAccount(user.id);
    expect(account).toMatchObject({ id: user.id, email: user.email, name: user.name });
    expect(account!.organizations.map((o) => [o.slug, o.role])).toEqual([
      [first.slug, "developer"],
      [second.slug, "owner"],
    ]);
    expect(await getAccount("no-such-user")).toBeNull();
  });
});

describe("signUp", () => {
  const actor = () => ({ ip: randomIp(), userAgent: "paygentic-tests/1.0" });

  it("is closed unless ALLOW_SIGNUP is set", async () => {
    const email = `closed-${suffix()}@example.test`;
    await expectAccountError(signUp({ name: "Closed", email, password: NEW, organizationName: "Closed Co", actor: actor() }), "signup_closed");
    expect(await db().user.count({ where: { email } })).toBe(0);
  });

  it("when open, creates the account and an organization it owns, with a derived unique slug, audited", async () => {
    const s = suffix();
    const email = `Founder-${s}@Example.test`;
    const created = await signUp({ name: "Founder", email, password: NEW, organizationName: `Founders ${s}`, actor: actor(), allowSignup: true });
    expect(created.email).toBe(email.toLowerCase());
    expect(created.organization.slug).toBe(`founders-${s}`);
    const membership = await db().membership.findFirstOrThrow({ where: { userId: created.userId } });
    expect(membership).toMatchObject({ organizationId: created.organization.id, role: "owner" });
    expect(await db().auditEvent.count({ where: { organizationId: created.organization.id, action: "organization.created" } })).toBe(1);

    // The same organization name again gets the next free slug; the same email is refused.
    const again = await signUp({ name: "Other", email: `other-${s}@example.test`, password: NEW, organizationName: `Founders ${s}`, actor: actor(), allowSignup: true });
    expect(again.organization.slug).toBe(`founders-${s}-2`);
    const taken = await expectAccountError(
      signUp({ name: "Dup", email: email.toUpperCase(), password: NEW, organizationName: "Dup Co", actor: actor(), allowSignup: true }),
      "email_taken",
    );
    expect(taken.field).toBe("email");
  });

  it("refuses bad fields beside them and leaves nothing behind", async () => {
    const email = `bad-${suffix()}@example.test`;
    const cases = [
      [{ name: "", email, password: NEW, organizationName: "Good Co" }, "name"],
      [{ name: "Bad", email: "not-an-email", password: NEW, organizationName: "Good Co" }, "email"],
      [{ name: "Bad", email, password: "password1234", organizationName: "Good Co" }, "password"],
      [{ name: "Bad", email, password: NEW, organizationName: "   " }, "organizationName"],
      [{ name: "Bad", email, password: NEW, organizationName: "日本" }, "organizationName"],
    ] as const;
    for (const [input, field] of cases) {
      const error = await signUp({ ...input, actor: actor(), allowSignup: true }).then(
        () => null,
        (e: unknown) => e as AccountError,
      );
      expect(error, JSON.stringify(input)).toBeInstanceOf(AccountError);
      expect(error!.field, JSON.stringify(input)).toBe(field);
    }
    expect(await db().user.count({ where: { email } })).toBe(0);
  });
});
