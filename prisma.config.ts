import { defineConfig } from "prisma/config";

// The CLI is optional here: the app applies prisma/migrations itself (lib/platform/db/migrate.ts).
// Users with the full CLI can run `prisma migrate status|deploy` against DATABASE_URL.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/paygentic" },
});
