// 7. Create and revoke: the createApiKeyAction / revokeApiKeyAction server actions driven through
// the real UI in Chromium (Playwright), timed on the server (`[timing]` lines, PAYGENTIC_TIMING_LOG=1).
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";
import { median, round, signIn, targetRow, timingCollector, type Context, type Row, type SectionResult } from "./lib";

const EMAIL = "adam@acme.test";

export async function keyActions(ctx: Context): Promise<SectionResult> {
  const S = "7 create/revoke";
  const count = ctx.opts.smoke ? 1 : Number(process.env.BENCH_ACTION_RUNS) || 7;
  const A = await ctx.serverA();
  const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: executablePath ? ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] : [],
  });
  const timings = timingCollector(A);
  const creates = () => timings.values("createApiKeyAction");
  const revokes = () => timings.values("revokeApiKeyAction");
  const clientCreate: number[] = [];
  const clientRevoke: number[] = [];
  try {
    const session = await signIn(A.url, EMAIL);
    const context = await browser.newContext({ baseURL: A.url });
    const eq = session.indexOf("=");
    await context.addCookies([{ name: session.slice(0, eq), value: session.slice(eq + 1), url: A.url }]);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto("/acme/settings/api-keys"); // adam is an admin of Acme Inc
    await page.getByRole("heading", { level: 1, name: "API Keys" }).waitFor();

    const create = async (name: string) => {
      await page.getByRole("button", { name: "Create new key" }).first().click();
      const dialog = page.getByRole("dialog", { name: "Create API key" });
      await dialog.getByLabel("Name").fill(name);
      await dialog.getByLabel("Environment").selectOption({ label: "Staging" });
      const started = performance.now();
      await dialog.getByRole("button", { name: "Create key" }).click();
      const secret = page.getByRole("dialog", { name: "Save your API key" });
      await secret.getByTestId("api-key-secret").waitFor();
      const elapsed = performance.now() - started;
      await secret.getByRole("button", { name: "Done" }).click();
      await secret.waitFor({ state: "hidden" });
      return elapsed;
    };
    const revoke = async (name: string) => {
      const row = page.getByRole("row").filter({ hasText: name });
      await row.getByRole("button", { name: "Revoke" }).click();
      const confirm = page.getByRole("alertdialog", { name: "Revoke API key?" });
      const started = performance.now();
      await confirm.getByRole("button", { name: "Revoke key" }).click();
      await confirm.waitFor({ state: "hidden" });
      const elapsed = performance.now() - started;
      await row.waitFor({ state: "detached" });
      return elapsed;
    };

    // One create + revoke to warm the action modules up; not recorded (smoke mode: none).
    const tag = Date.now().toString(36);
    if (!ctx.opts.smoke) {
      await create(`bench warm-up ${tag}`);
      await revoke(`bench warm-up ${tag}`);
    }
    timings.clear();

    const names = Array.from({ length: count }, (_, i) => `bench action ${tag}-${String(i).padStart(3, "0")}`);
    for (const name of names) clientCreate.push(await create(name));
    for (const name of names) clientRevoke.push(await revoke(name));
    // The [timing] line is printed when the action finishes; give the pipe a moment.
    for (let i = 0; i < 50 && (creates().length < count || revokes().length < count); i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    timings.stop();
    await browser.close();
  }
  if (creates().length < count || revokes().length < count) {
    throw new Error(`expected ${count} [timing] lines of each action, got ${creates().length} creates and ${revokes().length} revokes`);
  }
  const c = median(creates());
  const r = median(revokes());
  const rows: Row[] = [
    targetRow(S, `createApiKeyAction on the server (median of ${count})`, round(c, 1), "ms", "<=", 50, `browser click → key shown ${round(median(clientCreate), 0)} ms`),
    targetRow(S, `revokeApiKeyAction on the server (median of ${count})`, round(r, 1), "ms", "<=", 50, `browser click → dialog closed ${round(median(clientRevoke), 0)} ms`),
  ];
  return {
    id: "key-actions",
    title: "7. Create and revoke",
    rows,
    details: {
      count,
      serverMs: Object.fromEntries(timings.all),
      serverMedianMs: Object.fromEntries([...timings.all].map(([name, values]) => [name, round(median(values), 2)])),
      browserMs: { create: clientCreate, revoke: clientRevoke },
    },
    notes: [
      `${count} keys created then revoked by ${EMAIL} through the dialogs in Chromium (after one unrecorded warm-up); server time from the [timing] lines of instance A (PostgreSQL).`,
    ],
  };
}
