import { inject } from "vitest";

// Read by lib/platform/config.ts on first use, which happens after this file runs.
process.env.DATABASE_URL = inject("postgresUrl");
