import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { toErrorResponse } from "@/lib/http/error-mapper";
import { isDatabaseUnavailable } from "@/lib/platform/db/errors";
import { Prisma } from "@/lib/generated/prisma/client";

function systemError(code: string, message = `connect ${code} 127.0.0.1:5432`): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: "connect" });
}

function databaseError(code: string, message: string): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, message.length, "error"), { code, severity: "FATAL" });
}

const known = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError(`prisma ${code}`, { code, clientVersion: "7.10.1", meta });

// The shape @prisma/adapter-pg gives a PostgreSQL error it has no special kind for.
const adapterPostgresError = (code: string) =>
  new DriverAdapterError({ kind: "postgres", code, severity: "ERROR", message: `error ${code}`, detail: undefined, column: undefined, hint: undefined, originalCode: code });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["ECONNREFUSED", systemError("ECONNREFUSED")],
    ["ECONNRESET", systemError("ECONNRESET", "read ECONNRESET")],
    ["ETIMEDOUT", systemError("ETIMEDOUT")],
    ["EPIPE", systemError("EPIPE", "write EPIPE")],
    ["ENOTFOUND", systemError("ENOTFOUND", "getaddrinfo ENOTFOUND db.internal")],
    ["EHOSTUNREACH", systemError("EHOSTUNREACH")],
    ["AggregateError of ECONNREFUSED (dual-stack connect)", new AggregateError([systemError("ECONNREFUSED"), systemError("ECONNREFUSED")])],
    ["57P01 admin shutdown", databaseError("57P01", "terminating connection due to administrator command")],
    ["57P03 cannot connect now", databaseError("57P03", "the database system is starting up")],
    ["08006 connection failure", databaseError("08006", "connection failure")],
    ["53300 too many connections", databaseError("53300", "sorry, too many clients already")],
    ["57014 statement timeout", databaseError("57014", "canceling statement due to statement timeout")],
    ["25P03 idle in transaction timeout", databaseError("25P03", "terminating connection due to idle-in-transaction timeout")],
    ["pg: Connection terminated unexpectedly", new Error("Connection terminated unexpectedly")],
    ["pg: Query read timeout", new Error("Query read timeout")],
    ["pg-pool: connect timeout", new Error("Connection terminated due to connection timeout", { cause: new Error("Connection terminated unexpectedly") })],
    ["pg-pool: waiting for a client", new Error("timeout exceeded when trying to connect")],
    ["Prisma P1001", known("P1001")],
    ["Prisma P1008", known("P1008")],
    ["Prisma P1017", known("P1017")],
    ["Prisma P2028 (no transaction within maxWait)", known("P2028")],
    ["Prisma initialization", new Prisma.PrismaClientInitializationError("Can't reach database server", "7.10.1")],
    ["adapter DatabaseNotReachable", new DriverAdapterError({ kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 })],
    ["adapter ConnectionClosed", new DriverAdapterError({ kind: "ConnectionClosed" })],
    ["Prisma P2010 wrapping an adapter error with SQLSTATE 57P01", known("P2010", { driverAdapterError: adapterPostgresError("57P01") })],
    ["deep in a cause chain", new Error("request failed", { cause: new Error("lookup failed", { cause: systemError("ECONNRESET") }) })],
  ])("%s → unavailable", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    // Words that used to be matched anywhere in a message: bugs and data, not outages.
    ["a TypeError about connectionString", new TypeError("Cannot read properties of undefined (reading 'connectionString')")],
    ["a RangeError about a timeout", new RangeError("timeoutMs must be positive")],
    ["an invoice number", new Error("invoice 2024-08123 not found")],
    ["a message that merely mentions ECONNREFUSED", new Error("retry after ECONNREFUSED")],
    ["a message that extends a pg message", new Error("Connection terminated by the user's own code")],
    ["a unique violation", databaseError("23505", "duplicate key value violates unique constraint")],
    ["a syntax error", databaseError("42601", "syntax error at or near \"SELEC\"")],
    ["a code without severity or syscall that looks like a SQLSTATE", Object.assign(new Error("x"), { code: "08006" })],
    ["Prisma P2002", known("P2002")],
    ["Prisma P2025", known("P2025")],
    ["Prisma P2010 wrapping a missing-table error", known("P2010", { driverAdapterError: adapterPostgresError("42P01") })],
    ["adapter UniqueConstraintViolation", new DriverAdapterError({ kind: "UniqueConstraintViolation", constraint: { fields: ["hash"] } })],
    ["a string", "ECONNREFUSED"],
    ["null", null],
    ["a self-referencing cause", Object.assign(new Error("loop"), { get cause(): unknown { return this; } })],
  ])("%s → not unavailable", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("recognises what pg really raises for a refused connection", async () => {
    const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:1/none", connectionTimeoutMillis: 2_000 });
    const error = await client.connect().then(() => null, (e: unknown) => e);
    expect(error).toBeTruthy();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("the API answers such look-alikes with 500 internal_error, not 503 (which tells the caller to retry a bug)", () => {
    const lookAlikes = [new TypeError("Cannot read properties of undefined (reading 'connectionString')"), new RangeError("timeoutMs must be positive"), new Error("invoice 2024-08123 not found")];
    for (const error of lookAlikes) expect(toErrorResponse(error, "req_test", "http://localhost:3000").status).toBe(500);
    expect(toErrorResponse(new Error("Query read timeout"), "req_test", "http://localhost:3000").status).toBe(503);
  });
});
