// Prepares the peer's database: Better Auth's own migrations (what its CLI's `migrate` runs, through
// the documented `getMigrations` of better-auth/db/migration) and one user to own the keys.
// Run by bench/peer.ts with DATABASE_URL, PEER_MODE, BETTER_AUTH_SECRET; prints one JSON line.
import { getMigrations } from "better-auth/db/migration";
import { createAuth } from "../lib/auth";

async function main() {
  const auth = createAuth({ background: false });
  const { runMigrations, toBeCreated } = await getMigrations(auth.options);
  await runMigrations();
  const email = process.env.PEER_EMAIL ?? "bench@peer.test";
  const password = process.env.PEER_PASSWORD ?? "bench-peer-password";
  await auth.api.signUpEmail({ body: { email, password, name: "Bench" } });
  console.log(`PEER_SETUP ${JSON.stringify({ created: toBeCreated.map((t) => t.table), email })}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
