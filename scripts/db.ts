// `npm run db:migrate` / `npm run db:seed`: the same code the app runs at start-up.
import { closeDatabase, db, ensureDatabase, sql } from "@/lib/platform/runtime";
import { migrate } from "@/lib/platform/db/migrate";
import { seedDemoData } from "@/lib/platform/db/seed";

async function main(command: string | undefined) {
  if (command === "migrate") {
    const { applied } = await migrate(sql());
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
  } else if (command === "seed") {
    await ensureDatabase();
    await seedDemoData(db());
    console.log("Demo data is in place (password: demo-password).");
  } else {
    console.error("usage: tsx scripts/db.ts migrate|seed");
    process.exitCode = 2;
  }
}

main(process.argv[2])
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => closeDatabase());
