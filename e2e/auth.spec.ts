import { expect, test, type Page } from "@playwright/test";
import {
  API_KEYS_PATH,
  DEMO_PASSWORD,
  DEMO_USERS,
  INVALID_CREDENTIALS,
  apiKeysPath,
  demoUser,
  membersPath,
  onPath,
  signIn,
  storageStatePath,
  submitLogin,
} from "./helpers";

const TOO_MANY_ATTEMPTS = /^Too many attempts\. Try again in \d+ (seconds?|minutes?)\.$/;

/** The sign-in form's server action: a POST to /login itself. */
function isSignInPost(request: { method(): string; url(): string }): boolean {
  return request.method() === "POST" && new URL(request.url()).pathname === "/login";
}

/** Submits the login form once and waits for the sign-in round trip and the form to settle. */
async function attemptLogin(page: Page, email: string, password: string): Promise<void> {
  const response = page.waitForResponse((r) => isSignInPost(r.request()));
  await submitLogin(page, email, password);
  await response;
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
}

async function expectLoginError(page: Page, message: string | RegExp): Promise<void> {
  // Scoped to the form: Next's route announcer also has role="alert".
  const alert = page.locator("form").getByRole("alert");
  await expect(alert).toHaveText(message);
  await expect(page).toHaveURL(onPath("/login"));
  // Nothing else leaks: one message, no stack, no hint which of the two fields was wrong.
  await expect(page.getByText(/user not found|no such user|unknown email|wrong password|error:|stack/i)).toHaveCount(0);
}

async function sessionCookie(page: Page) {
  return (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
}

test.describe("sign in", () => {
  for (const user of DEMO_USERS) {
    test(`${user.email} (${user.role}) lands on API Keys in ${user.organization}`, async ({ page }) => {
      await signIn(page, user.email);
      await expect(page).toHaveURL(onPath(apiKeysPath(user.slug)));
      await expect(page.getByTestId("current-organization")).toHaveText(user.organization);
      await expect(page.getByRole("button", { name: "Account menu" })).toBeVisible();
      expect(await sessionCookie(page)).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    });
  }

  test("a signed-in visit to /login goes to the dashboard", async ({ page }) => {
    await signIn(page, demoUser("viewer").email);
    await page.goto("/login");
    await expect(page).toHaveURL(onPath(API_KEYS_PATH));
  });
});

test.describe("saved sessions from auth.setup.ts", () => {
  for (const user of DEMO_USERS) {
    test.describe(user.role, () => {
      test.use({ storageState: storageStatePath(user.role) });
      test(`${user.email} starts signed in`, async ({ page }) => {
        // The old address still works: it leads to the user's own organization.
        await page.goto("/settings/api-keys");
        await expect(page).toHaveURL(onPath(apiKeysPath(user.slug)));
        await expect(page.getByTestId("current-organization")).toHaveText(user.organization);
      });
    });
  }
});

test.describe("invalid credentials get one neutral answer", () => {
  test("wrong password, then the right one", async ({ page }) => {
    const { email } = demoUser("admin");
    await page.goto("/login");
    await attemptLogin(page, email, "not-the-password");
    await expectLoginError(page, INVALID_CREDENTIALS);
    expect(await sessionCookie(page)).toBeUndefined();

    // The form keeps working: correcting the password signs in.
    await signIn(page, email);
    await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
  });

  test("unknown email", async ({ page }) => {
    await page.goto("/login");
    await attemptLogin(page, "nobody-here@acme.test", DEMO_PASSWORD);
    await expectLoginError(page, INVALID_CREDENTIALS);
  });

  // Empty fields are answered in the form, beside each field, without a round trip to the server.
  test("empty fields", async ({ page }) => {
    const requests: string[] = [];
    page.on("request", (request) => {
      if (isSignInPost(request)) requests.push(request.url());
    });
    await page.goto("/login");
    await submitLogin(page, "", "");
    await expect(page.getByText("Enter your email address.")).toBeVisible();
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await expect(page.getByLabel("Email")).toBeFocused();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText(INVALID_CREDENTIALS)).toHaveCount(0);
    expect(requests).toEqual([]);
  });

  test("empty password for a real user", async ({ page }) => {
    await page.goto("/login");
    await submitLogin(page, demoUser("viewer").email, "");
    await expect(page.getByText("Enter your password.")).toBeVisible();
    await expect(page.getByLabel("Password")).toBeFocused();
    await expect(page.getByText("Enter your email address.")).toHaveCount(0);
    // Typing clears the message.
    await page.getByLabel("Password").fill("x");
    await expect(page.getByText("Enter your password.")).toHaveCount(0);
  });

  test("a 10 kB password", async ({ page }) => {
    await page.goto("/login");
    await attemptLogin(page, demoUser("owner").email, "x".repeat(10 * 1024));
    await expectLoginError(page, INVALID_CREDENTIALS);
  });

  test("a 10 kB email", async ({ page }) => {
    await page.goto("/login");
    await attemptLogin(page, `${"a".repeat(10 * 1024)}@acme.test`, DEMO_PASSWORD);
    await expectLoginError(page, INVALID_CREDENTIALS);
  });
});

test("failures for one email slow that address down with a growing retry time, never a lock; other emails unaffected", async ({ page }) => {
  test.setTimeout(90_000);
  // This email is used by no other test, so its counters start at zero.
  const email = "throttle-test@acme.test";
  await page.goto("/login");
  // A few failures are free (typos, a forgotten password).
  for (let attempt = 1; attempt <= 5; attempt++) {
    await attemptLogin(page, email, `wrong-password-${attempt}`);
    await expectLoginError(page, INVALID_CREDENTIALS);
  }
  // Then each failure makes this address wait longer: 1 s, 2 s, 4 s… A refused attempt says how long.
  const alert = page.locator("form").getByRole("alert");
  let wait = 0;
  for (let attempt = 6; wait < 8; attempt++) {
    expect(attempt, "the back-off should have reached 8 s by now").toBeLessThan(30);
    await attemptLogin(page, email, `wrong-password-${attempt}`);
    const message = (await alert.textContent()) ?? "";
    if (message === INVALID_CREDENTIALS) continue;
    expect(message).toMatch(TOO_MANY_ATTEMPTS);
    wait = Number(/in (\d+) second/.exec(message)?.[1] ?? 900);
    if (wait < 8) await page.waitForTimeout(wait * 1000 + 250);
  }

  // Email is matched case-insensitively and trimmed, so a variant waits too.
  await attemptLogin(page, `  ${email.toUpperCase()} `, "wrong-password-again");
  await expectLoginError(page, TOO_MANY_ATTEMPTS);

  // The back-off is per email: a demo user signs in from the same address.
  await signIn(page, demoUser("globex-owner").email);
  await expect(page.getByTestId("current-organization")).toHaveText("Globex");
});

test.describe("signed out", () => {
  test("sign out returns to /login; protected pages then redirect with a callbackUrl that is honoured", async ({ page }) => {
    await signIn(page, demoUser("owner").email);
    await expect(page.getByRole("button", { name: "Account menu" })).toBeVisible();
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(onPath("/login"));
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    expect(await sessionCookie(page)).toBeUndefined();

    await page.goto(API_KEYS_PATH);
    await expect(page).toHaveURL(onPath("/login"));
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(API_KEYS_PATH);

    await signIn(page, demoUser("owner").email);
    await expect(page).toHaveURL(onPath(API_KEYS_PATH));
    await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
  });

  for (const wanted of [`${membersPath("acme")}?from=e2e`, "/settings/members?from=e2e"]) {
    test(`after the redirect, signing in lands on the page asked for, not the default (${wanted})`, async ({ page }) => {
      await page.goto(wanted);
      await expect(page).toHaveURL(onPath("/login"));
      expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(wanted);

      await submitLogin(page, demoUser("admin").email, DEMO_PASSWORD);
      // An old /settings link lands on the same page of the user's organization, query included.
      await page.waitForURL(onPath(membersPath("acme")));
      expect(new URL(page.url()).searchParams.get("from")).toBe("e2e");
    });
  }

  for (const path of ["/", "/settings", "/settings/api-keys", "/settings/members", API_KEYS_PATH, membersPath("globex"), "/nowhere/settings/api-keys"]) {
    test(`a visit to ${path} redirects to /login`, async ({ page }) => {
      await page.goto(path);
      await expect(page).toHaveURL(onPath("/login"));
      await expect(page.getByLabel("Email")).toBeVisible();
      await expect(page.getByTestId("current-organization")).toHaveCount(0);
    });
  }
});

test.describe("organizations", () => {
  test("dana switches from Acme Inc to Globex, the same page in Globex's URL, and the choice persists", async ({ page }) => {
    const dana = demoUser("developer");
    await signIn(page, dana.email);
    const current = page.getByTestId("current-organization");
    await expect(current).toHaveText("Acme Inc");

    await page.getByRole("button", { name: "Switch organization (current: Acme Inc)" }).click();
    const items = page.getByRole("menuitem").filter({ hasNotText: "Create organization" });
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toContainText("Acme Inc");
    await expect(items.nth(1)).toContainText("Globex");
    await page.getByRole("menuitem", { name: /Globex/ }).click();

    await expect(current).toHaveText("Globex");
    await expect(page.getByRole("button", { name: "Switch organization (current: Globex)" })).toBeVisible();
    await expect(page).toHaveURL(onPath(apiKeysPath("globex")));

    // The header and settings links follow the organization.
    await expect(page.getByRole("link", { name: "Paygentic" })).toHaveAttribute("href", apiKeysPath("globex"));
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Members" })).toHaveAttribute("href", membersPath("globex"));

    // `/` and the old address go to the last organization visited.
    await page.goto("/");
    await expect(page).toHaveURL(onPath(apiKeysPath("globex")));
    await expect(current).toHaveText("Globex");

    // And back again, from the members page to Acme Inc's members page.
    await page.goto(membersPath("globex"));
    await page.getByRole("button", { name: "Switch organization (current: Globex)" }).click();
    await page.getByRole("menuitem", { name: /Acme Inc/ }).click();
    await expect(page).toHaveURL(onPath(membersPath("acme")));
    await expect(current).toHaveText("Acme Inc");
    await page.goto("/settings/api-keys");
    await expect(page).toHaveURL(onPath(API_KEYS_PATH));
  });

  test("a forged last-organization cookie for an organization the user is not in is ignored", async ({ page, baseURL }) => {
    // Whatever the cookie says, alice (a member of Acme Inc only) lands in Acme Inc.
    await signIn(page, demoUser("owner").email);
    await page.context().addCookies([{ name: "paygentic_last_org", value: "globex", url: baseURL! }]);
    await page.goto("/settings/api-keys");
    await expect(page).toHaveURL(onPath(API_KEYS_PATH));
    await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
  });

  test("alice, in one organization, sees it without a switcher", async ({ page }) => {
    await signIn(page, demoUser("owner").email);
    await expect(page.getByTestId("current-organization")).toHaveText("Acme Inc");
    await expect(page.getByRole("button", { name: /Switch organization/ })).toHaveCount(0);
  });
});

test.describe("open redirects", () => {
  // Every request for the attacker's host is recorded (redirect hops included). Direct ones are
  // answered here rather than failing in DNS; a server redirect's target can't be routed.
  let evilRequests: string[];
  test.beforeEach(async ({ context }) => {
    evilRequests = [];
    const isEvil = (url: URL) => url.hostname === "evil.test";
    context.on("request", (request) => {
      if (isEvil(new URL(request.url()))) evilRequests.push(request.url());
    });
    await context.route(isEvil, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil.test</h1>" }));
  });

  async function expectOnOurOrigin(page: Page, baseURL: string | undefined) {
    expect(evilRequests, "the browser was sent to evil.test").toEqual([]);
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    await expect(page).toHaveURL(onPath(API_KEYS_PATH));
  }

  test("an absolute callbackUrl is ignored when signing in", async ({ page, baseURL }) => {
    await page.goto("/login?callbackUrl=https://evil.test");
    await signIn(page, demoUser("owner").email);
    await expectOnOurOrigin(page, baseURL);
  });

  // Browsers drop tabs and newlines from URLs, so "/\t/evil.test" is "//evil.test" once followed.
  const HOSTILE = ["https://evil.test/x", "//evil.test", "/\\evil.test", "javascript:alert(1)", "/\t/evil.test", "/\n/evil.test", "/\r\n/evil.test"];

  for (const callbackUrl of HOSTILE) {
    test(`signing in from /login?callbackUrl=${JSON.stringify(callbackUrl)} stays on our origin`, async ({ page, baseURL }) => {
      await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await submitLogin(page, demoUser("owner").email, DEMO_PASSWORD);
      await page.waitForURL((url) => url.pathname !== "/login", { waitUntil: "commit", timeout: 10_000 }).catch(() => {});
      await expectOnOurOrigin(page, baseURL);
    });

    test(`a signed-in visit to /login?callbackUrl=${JSON.stringify(callbackUrl)} stays on our origin`, async ({ page, baseURL }) => {
      await signIn(page, demoUser("viewer").email);
      let status: number | undefined;
      // A redirect to the attacker's host fails in DNS: let the assertions below say what happened.
      await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`).then(
        (response) => void (status = response?.status()),
        () => {},
      );
      expect(evilRequests, "the browser was sent to evil.test").toEqual([]);
      expect(status, "no 500 for a hostile callbackUrl").toBeLessThan(500);
      await expectOnOurOrigin(page, baseURL);
    });
  }
});
