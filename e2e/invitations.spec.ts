import AxeBuilder from "@axe-core/playwright";
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { apiKeysPath, demoUser, membersPath, onPath, openMembers, signIn } from "./helpers";

// Invitations through the real UI: the link is made once, opened in a browser that has never
// signed in, and used exactly once. Every invitee is a fresh address, so reruns pass and the demo
// users' memberships never change.

const PASSWORD = "violet-harbour-71-kites";
const freshEmail = (label: string) => `${label}-${randomBytes(4).toString("hex")}@example.test`;

async function expectNoViolations(page: Page, state: string): Promise<void> {
  await page.evaluate(() => document.getAnimations().forEach((animation) => animation.finish()));
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]).analyze();
  expect(violations.map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), state).toEqual([]);
}

/** Invite member → Create invite → the link (copied with Copy, then Done). */
async function invite(page: Page, email: string, role: "Owner" | "Admin" | "Developer" | "Viewer"): Promise<string> {
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite member" });
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Role").selectOption({ label: role });
  await dialog.getByRole("button", { name: "Create invite" }).click();
  const linkDialog = page.getByRole("dialog", { name: "Invitation link" });
  await expect(linkDialog.getByText("won't be shown again")).toBeVisible();
  // Until addresses are verified, the link is the proof of the address: the inviter is told so.
  await expect(linkDialog.getByTestId("invite-link-proof")).toHaveText(
    `The link is the proof: whoever holds it can join as ${email}. Send it only to that person, over a channel you trust.`,
  );
  const link = (await linkDialog.getByTestId("invite-link").textContent())!.trim();
  await linkDialog.getByRole("button", { name: "Copy" }).click();
  await expect(linkDialog.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await linkDialog.getByRole("button", { name: "Done" }).click();
  await expect(linkDialog).toBeHidden();
  return link;
}

/** Opens the link in a browser with no session, creates the account, and returns its page. */
async function joinAsNewAccount(browser: Browser, link: string, name: string, organization: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: `Join ${organization}` })).toBeVisible();
  await expectNoViolations(page, "join form");
  await page.getByLabel("Name").fill(name);
  const password = page.getByLabel("Password", { exact: true });
  await password.fill("password1234");
  await expect(page.getByTestId("password-strength")).toContainText("Too weak");
  await password.fill(PASSWORD);
  await expect(page.getByTestId("password-strength")).toContainText(/Strength: (Fair|Good|Strong)/);
  await page.getByRole("button", { name: "Create account and join" }).click();
  return page;
}

test("an admin invites a new address; a fresh browser joins with it, lands on the keys page, and its key works; the link is then refused", async ({ page, browser, request, baseURL }) => {
  // Several browsers, several accounts, bcrypt at production cost on a busy machine.
  test.setTimeout(120_000);
  const adam = demoUser("admin");
  const email = freshEmail("joiner");
  await signIn(page, adam.email);
  await openMembers(page);

  // An admin can invite as admin at most.
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite member" });
  await expect(dialog.getByLabel("Role").locator("option")).toHaveText(["Admin", "Developer", "Viewer"]);
  // An existing member is refused beside the email field.
  await dialog.getByLabel("Email").fill(demoUser("viewer").email);
  await dialog.getByRole("button", { name: "Create invite" }).click();
  await expect(dialog.getByLabel("Email")).toHaveAccessibleDescription(`${demoUser("viewer").email} is already a member of this organization.`);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  const link = await invite(page, email, "Developer");
  expect(link).toMatch(new RegExp(`^${baseURL}/invite/[A-Za-z0-9_-]{43}$`));
  const pending = page.getByRole("region", { name: "Pending invitations" }).getByRole("row").filter({ hasText: email });
  await expect(pending).toContainText("Developer");
  await expect(pending).toContainText(adam.name);
  await expect(pending).toContainText("in 7 days");

  // The same address again is refused while the invitation is pending.
  await page.getByRole("button", { name: "Invite member" }).click();
  const again = page.getByRole("dialog", { name: "Invite member" });
  await again.getByLabel("Email").fill(email);
  await again.getByRole("button", { name: "Create invite" }).click();
  await expect(again.getByText(/already has a pending invitation/)).toBeVisible();
  await again.getByRole("button", { name: "Cancel" }).click();

  const joiner = await joinAsNewAccount(browser, link, "Jo Iner", "Acme Inc");
  try {
    await joiner.waitForURL(onPath(apiKeysPath("acme")));
    await expect(joiner.getByRole("heading", { name: "API Keys" })).toBeVisible();

    // The new member's key works against the API, with the invited role.
    await joiner.getByRole("button", { name: "Create new key" }).first().click();
    const create = joiner.getByRole("dialog", { name: "Create API key" });
    await create.getByLabel("Name").fill("joiner api check");
    await create.getByRole("button", { name: "Create key" }).click();
    const secret = (await joiner.getByTestId("api-key-secret").textContent())!.trim();
    await joiner.getByRole("button", { name: "Done" }).click();
    const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ user: { email }, organization: { slug: "acme" }, role: "developer" });

    // Used: the link now says so, in a browser that has never signed in too.
    const stranger = await browser.newContext();
    try {
      const strangerPage = await stranger.newPage();
      await strangerPage.goto(link);
      await expect(strangerPage.getByRole("heading", { name: "This invitation has already been used" })).toBeVisible();
      await expectNoViolations(strangerPage, "used link");
      await expect(strangerPage.getByLabel("Password")).toHaveCount(0);
    } finally {
      await stranger.close();
    }
  } finally {
    await joiner.context().close();
  }

  // The admin sees the new member, and the invitation is no longer pending.
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: email }).first()).toContainText("Jo Iner");
  await expect(page.getByRole("region", { name: "Pending invitations" }).getByRole("row").filter({ hasText: email })).toHaveCount(0);
});

test("an existing account signs in to accept; another signed-in account is told to switch", async ({ page, browser }) => {
  // Several browsers, several accounts, bcrypt at production cost on a busy machine.
  test.setTimeout(120_000);
  // First a fresh account (in Acme), then Globex's owner invites that account into Globex.
  const alice = demoUser("owner");
  const email = freshEmail("existing");
  await signIn(page, alice.email);
  await openMembers(page);
  const first = await invite(page, email, "Viewer");
  const joined = await joinAsNewAccount(browser, first, "Ex Isting", "Acme Inc");
  await joined.waitForURL(onPath(apiKeysPath("acme")));
  await joined.context().close();

  const gina = demoUser("globex-owner");
  const ginaContext = await browser.newContext();
  const ginaPage = await ginaContext.newPage();
  await ginaContext.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(ginaPage, gina.email);
  await ginaPage.goto(membersPath("globex"));
  const link = await invite(ginaPage, email, "Developer");

  // Signed in as someone else (Alice): refused, with a way out.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Join Globex" })).toBeVisible();
  await expect(page.getByText(`This invitation is for ${email}, but you are signed in as ${alice.email}`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign out and use another account" })).toBeVisible();

  // Signed out: the same page as for an address without an account (it doesn't tell whoever holds
  // the link that one exists), with signing in as the alternative.
  const context = await browser.newContext();
  try {
    const invitee = await context.newPage();
    await invitee.goto(link);
    await expect(invitee.getByRole("heading", { name: "Join Globex" })).toBeVisible();
    await expect(invitee.getByLabel("Name")).toBeVisible();
    await expect(invitee.getByLabel("Password", { exact: true })).toBeVisible();
    await expect(invitee.getByRole("button", { name: "Create account and join" })).toBeVisible();
    await expect(invitee.getByText("Already have an account?")).toBeVisible();
    await expect(invitee.getByText(/already exists/)).toHaveCount(0);
    // Creating an account with a password that isn't the account's: one neutral answer.
    await invitee.getByLabel("Name").fill("Not Me");
    await invitee.getByLabel("Password", { exact: true }).fill("another-long-passphrase-9");
    await invitee.getByRole("button", { name: "Create account and join" }).click();
    await expect(invitee.locator("form").getByRole("alert")).toHaveText(
      "We couldn't create an account with these details. If you already have an account for this address, sign in to accept the invitation.",
    );
    await invitee.getByRole("link", { name: "Sign in to accept" }).click();
    await invitee.waitForURL(onPath("/login"));
    await signIn(invitee, email, PASSWORD, { expectedPath: new URL(link).pathname });
    await invitee.getByRole("button", { name: "Accept invitation" }).click();
    await invitee.waitForURL(onPath(apiKeysPath("globex")));
    await expect(invitee.getByRole("heading", { name: "API Keys" })).toBeVisible();
  } finally {
    await context.close();
  }
  await ginaPage.reload();
  await expect(ginaPage.getByRole("row").filter({ hasText: email }).first()).toContainText("Ex Isting");
  await ginaContext.close();
});

test("a revoked link shows a page saying so, naming only the organization", async ({ page, browser }) => {
  // Several browsers, several accounts, bcrypt at production cost on a busy machine.
  test.setTimeout(120_000);
  const alice = demoUser("owner");
  const email = freshEmail("revoked");
  await signIn(page, alice.email);
  await openMembers(page);
  const link = await invite(page, email, "Viewer");

  const row = page.getByRole("region", { name: "Pending invitations" }).getByRole("row").filter({ hasText: email });
  await row.getByRole("button", { name: `Revoke invite for ${email}` }).click();
  const confirm = page.getByRole("alertdialog", { name: "Revoke invitation?" });
  await expect(confirm).toContainText(email);
  await confirm.getByRole("button", { name: "Revoke invite" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);

  const context = await browser.newContext();
  try {
    const stranger = await context.newPage();
    await stranger.goto(link);
    await expect(stranger.getByRole("heading", { name: "This invitation was revoked" })).toBeVisible();
    await expect(stranger.getByText("Acme Inc").first()).toBeVisible();
    // Nothing else about the organization or the invitation.
    await expect(stranger.getByText(email)).toHaveCount(0);
    await expect(stranger.getByText(alice.name)).toHaveCount(0);
    await expect(stranger.getByLabel("Password")).toHaveCount(0);

    // An unknown link says nothing at all.
    await stranger.goto(`/invite/${randomBytes(32).toString("base64url")}`);
    await expect(stranger.getByRole("heading", { name: "This invitation link isn't valid" })).toBeVisible();
    await expect(stranger.getByText("Acme Inc")).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test("developers and viewers have no Invite member button and see no pending invitations", async ({ page }) => {
  await signIn(page, demoUser("developer").email);
  await openMembers(page);
  await expect(page.getByRole("button", { name: "Invite member" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Pending invitations" })).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("joining posts the form: a mistake comes back as the page, then the account is made, signed in and sent to the keys page; no URL ever carries the password", async ({
    page,
    browser,
  }) => {
    // Two browsers, bcrypt at production cost on a busy machine.
    test.setTimeout(120_000);
    const email = freshEmail("no-script");
    const inviter = await browser.newContext({ javaScriptEnabled: true });
    let link: string;
    try {
      const alice = await inviter.newPage();
      await signIn(alice, demoUser("owner").email);
      await openMembers(alice);
      link = await invite(alice, email, "Viewer");
    } finally {
      await inviter.close();
    }

    const requests: { method: string; url: string }[] = [];
    page.on("request", (request) => requests.push({ method: request.method(), url: request.url() }));
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Join Acme Inc" })).toBeVisible();
    const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Create account and join" }) });
    await expect(form).toHaveAttribute("method", /^post$/i);

    await page.getByLabel("Name").fill("No Script");
    await page.getByLabel("Password", { exact: true }).fill("too-short");
    await page.getByRole("button", { name: "Create account and join" }).click();
    await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveValue("No Script");

    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account and join" }).click();
    await page.waitForURL(onPath(apiKeysPath("acme")));
    // Signed in by the action itself: the session cookie is there and names the new account.
    const session = await page.request.get("/api/auth/session");
    expect(await session.json()).toMatchObject({ user: { email } });

    const posts = requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === new URL(link).pathname);
    expect(posts.length, "the form was posted twice").toBe(2);
    const leaks = requests.filter((r) => r.url.includes(PASSWORD) || r.url.includes(encodeURIComponent(PASSWORD)) || /[?&]password=/.test(r.url));
    expect(leaks).toEqual([]);
  });
});
