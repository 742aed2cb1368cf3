/**
 * "The database can't answer right now" (answered as 503 service_unavailable, retry later) as
 * opposed to every other failure (a bug: 500). Decided by what the drivers say, never by words that
 * could appear in any message: a typo in our code, a configuration error or an invoice number must
 * not be reported as an outage.
 */

// Node's errno codes for a network path that is refused, reset, gone or timing out.
const NETWORK_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ENETDOWN", "EHOSTDOWN"]);

// SQLSTATEs (PostgreSQL appendix A): class 08 connection exception; 57P01-57P03 admin shutdown,
// crash shutdown, cannot connect now (starting up, in recovery); 53300 too many connections;
// 57014 query canceled (only our statement_timeout cancels queries); 25P03 idle-in-transaction
// session timeout (our idle_in_transaction_session_timeout ended a stalled transaction).
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300|57014|25P03)$/;

// `pg` and `pg-pool` raise these without a code; they are matched whole, exactly as pg 8 words
// them (node_modules/pg/lib/client.js, node_modules/pg-pool/index.js).
const PG_MESSAGES = new Set([
  "Connection terminated",
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "Query read timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
]);

// Prisma error codes: P1001 can't reach the server, P1002 server timed out, P1008 operation timed
// out, P1017 server closed the connection, P2037 too many connections, P2028 an interactive
// transaction that couldn't start within its maxWait or outlived its timeout (a connection that
// never came, a database that didn't answer in time).
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2028", "P2037"]);

// What `@prisma/adapter-pg` turns socket and server errors into (`DriverAdapterError.cause.kind`).
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

type Inspectable = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  syscall?: unknown;
  severity?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  clientVersion?: unknown;
  cause?: unknown;
  errors?: unknown;
  digest?: unknown;
  meta?: { driverAdapterError?: unknown };
};

function matches(error: Inspectable): boolean {
  const { name, message, code } = error;
  // Our own "couldn't check" (DatabaseUnavailableError), also after Next serialised it.
  if (error.digest === DATABASE_UNAVAILABLE_DIGEST) return true;
  // Prisma's error classes carry `clientVersion`; an initialization error means no connection.
  if (typeof error.clientVersion === "string") {
    if (name === "PrismaClientInitializationError") return true;
    if (typeof code === "string" && PRISMA_CODES.has(code)) return true;
  }
  // A DriverAdapterError's `cause`, also reached through Prisma's `meta.driverAdapterError`.
  if (typeof error.kind === "string") {
    if (ADAPTER_KINDS.has(error.kind)) return true;
    if (error.kind === "postgres") return typeof error.originalCode === "string" && UNAVAILABLE_SQLSTATE.test(error.originalCode);
  }
  if (typeof code === "string") {
    if (typeof error.severity === "string" && UNAVAILABLE_SQLSTATE.test(code)) return true; // pg's DatabaseError
    if (NETWORK_ERRNO.has(code)) return true; // Node's system errors (and AggregateError of them)
  }
  return name === "Error" && typeof message === "string" && PG_MESSAGES.has(message);
}

/** True when `error` (or anything in its `cause` chain) says the database is unreachable or not answering. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const candidate = current as Inspectable;
    if (matches(candidate)) return true;
    pending.push(candidate.cause, candidate.meta?.driverAdapterError);
    if (Array.isArray(candidate.errors)) pending.push(...candidate.errors);
  }
  return false;
}

/**
 * What `error.tsx` finds on a server error that meant "the database couldn't be asked": Next keeps
 * an error's own digest (it replaces message and stack in production), so the boundary can show
 * the 503 page instead of "Something went wrong".
 */
export const DATABASE_UNAVAILABLE_DIGEST = "PAYGENTIC_DATABASE_UNAVAILABLE";

/**
 * "Couldn't check", as a type: the database is unreachable, so a session (or anything else) could
 * be neither confirmed nor refused. Thrown where callers must not mistake it for "no" (signed out,
 * not a member): pages show the 503 page, server actions answer "temporarily unavailable".
 */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
  constructor(options?: { cause?: unknown }) {
    super("The database is unreachable.", options);
  }
}

/** `error` itself if it already says so, a DatabaseUnavailableError if the database is unreachable, else `error` unchanged. */
export function asDatabaseUnavailable(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isDatabaseUnavailable(error)) return error;
  return new DatabaseUnavailableError({ cause: error });
}

/**
 * A one-line description of anything thrown, for logs. Not every thrown value is an Error: PGlite's
 * file system throws `{ name: "ErrnoError", errno: 44 }`, Node's dual-stack connect an AggregateError
 * with an empty message; `${error}` would print "[object Object]" or nothing.
 */
export function errorMessage(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  const e = error as { name?: unknown; message?: unknown; code?: unknown; errno?: unknown; errors?: unknown };
  const text = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : "");
  let message = text(e.message);
  if (!message && Array.isArray(e.errors) && e.errors.length > 0) message = [...new Set(e.errors.map(errorMessage))].join("; ");
  const code = text(e.code) || (text(e.errno) && `errno ${text(e.errno)}`);
  if (message) return code && !message.includes(code) ? `${message} (${code})` : message;
  const name = text(e.name);
  if (name || code) return `${name || "Error"}${code ? ` (${code})` : ""}`;
  try {
    return JSON.stringify(error)?.slice(0, 300) ?? String(error);
  } catch {
    return String(error);
  }
}
