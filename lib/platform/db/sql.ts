/**
 * Plain SQL for the few hot paths (bearer-key verification, batched last-used writes) where
 * Prisma's per-query cost (~1 ms) would dominate. Everything else goes through Prisma.
 */
export interface Sql {
  readonly kind: "pglite" | "postgres";
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `fn` on one connection (session-level locks, multi-statement transactions). */
  session<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}
