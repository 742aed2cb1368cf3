// What a load run costs the database and Redis, measured from outside the servers:
// - PostgreSQL: statements from pg_stat_statements when the server preloads it (shared_preload_libraries),
//   else transactions (pg_stat_database xact_commit + xact_rollback: the apps under test run their
//   hot-path SQL in autocommit, so one transaction ≈ one statement), plus row writes and index/sequential
//   scans from pg_stat_user_tables, and the CPU time of the database's backends (/proc, Linux only);
// - Redis: commands processed and its CPU time (INFO), server-wide: anything else using the same Redis
//   in the window is counted too.
import net from "node:net";
import { processTreeCpuMs, withClient } from "./lib";

export type DbSnapshot = {
  statements: number | null;
  xact: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  indexScans: number;
  seqScans: number;
  backendCpuMs: Map<number, number>;
};

export type DbDelta = {
  /** pg_stat_statements calls, null when the extension isn't loaded. */
  statements: number | null;
  transactions: number;
  rowsWritten: number;
  rowsUpdated: number;
  indexScans: number;
  seqScans: number;
  backendCpuMs: number;
};

let statementsAvailable: boolean | undefined;

async function hasPgStatStatements(url: string): Promise<boolean> {
  if (statementsAvailable !== undefined) return statementsAvailable;
  statementsAvailable = await withClient(url, async (c) => {
    const preload = (await c.query<{ v: string }>("SELECT current_setting('shared_preload_libraries') AS v")).rows[0]!.v;
    if (!preload.includes("pg_stat_statements")) return false;
    try {
      await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      await c.query("SELECT 1 FROM pg_stat_statements LIMIT 1");
      return true;
    } catch {
      return false;
    }
  });
  return statementsAvailable;
}

export async function dbSnapshot(url: string, name: string): Promise<DbSnapshot> {
  const statements = await hasPgStatStatements(url);
  // A fresh connection: no cached statistics snapshot.
  return withClient(url, async (c) => {
    const db = (
      await c.query<{ xact: string }>(`SELECT (xact_commit + xact_rollback)::text AS xact FROM pg_stat_database WHERE datname = $1`, [name])
    ).rows[0];
    const t = (
      await c.query<{ ins: string; upd: string; del: string; idx: string; seq: string }>(
        `SELECT coalesce(sum(n_tup_ins), 0)::text AS ins, coalesce(sum(n_tup_upd), 0)::text AS upd, coalesce(sum(n_tup_del), 0)::text AS del,
                coalesce(sum(idx_scan), 0)::text AS idx, coalesce(sum(seq_scan), 0)::text AS seq
           FROM pg_stat_user_tables`,
      )
    ).rows[0]!;
    let calls: number | null = null;
    if (statements) {
      const r = await c.query<{ n: string }>(
        `SELECT coalesce(sum(calls), 0)::text AS n FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
        [name],
      );
      calls = Number(r.rows[0]!.n);
    }
    const pids = (
      await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name])
    ).rows.map((r) => r.pid);
    const backendCpuMs = new Map(pids.map((pid) => [pid, processTreeCpuMs(pid)]));
    return {
      statements: calls,
      xact: Number(db?.xact ?? NaN),
      rowsInserted: Number(t.ins),
      rowsUpdated: Number(t.upd),
      rowsDeleted: Number(t.del),
      indexScans: Number(t.idx),
      seqScans: Number(t.seq),
      backendCpuMs,
    };
  });
}

/** `after − before`, less the measuring connections' own transactions (2 per snapshot pair). */
export function dbDelta(before: DbSnapshot, after: DbSnapshot): DbDelta {
  let cpu = 0;
  for (const [pid, ms] of after.backendCpuMs) {
    const was = before.backendCpuMs.get(pid);
    if (was !== undefined && Number.isFinite(ms) && Number.isFinite(was)) cpu += ms - was;
  }
  return {
    statements: before.statements === null || after.statements === null ? null : Math.max(0, after.statements - before.statements),
    transactions: Math.max(0, after.xact - before.xact - 2),
    rowsWritten: after.rowsInserted - before.rowsInserted + (after.rowsUpdated - before.rowsUpdated) + (after.rowsDeleted - before.rowsDeleted),
    rowsUpdated: after.rowsUpdated - before.rowsUpdated,
    indexScans: after.indexScans - before.indexScans,
    seqScans: after.seqScans - before.seqScans,
    backendCpuMs: cpu,
  };
}

// ───────────────────────────── Redis (a few RESP commands over a socket) ─────────────────────────────

export const REDIS_URL = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379";

/** Sends one command, returns the reply as text (bulk strings and integers; enough for INFO, SCAN, DEL, PING). */
export function redisCommand(args: string[], url = REDIS_URL): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname || "127.0.0.1", port: Number(port) || 6379 });
    socket.setTimeout(5_000, () => socket.destroy(new Error("redis: timeout")));
    let data = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      const text = data.toString("utf8");
      const complete = parseReply(text);
      if (complete !== null) {
        socket.end();
        resolve(complete);
      }
    });
    socket.on("error", reject);
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
  });
}

/** The whole reply once it has arrived (arrays flattened to lines), else null. */
function parseReply(text: string): string | null {
  const lines: string[] = [];
  let i = 0;
  const readValue = (): boolean => {
    const end = text.indexOf("\r\n", i);
    if (end < 0) return false;
    const head = text.slice(i, end);
    i = end + 2;
    const type = head[0];
    if (type === "+" || type === ":" ) return lines.push(head.slice(1)), true;
    if (type === "-") return lines.push(`ERR ${head.slice(1)}`), true;
    if (type === "$") {
      const n = Number(head.slice(1));
      if (n < 0) return lines.push(""), true;
      if (Buffer.byteLength(text.slice(i)) < n + 2) return false;
      // Byte length and character length agree for INFO/SCAN output (ASCII).
      lines.push(text.slice(i, i + n));
      i += n + 2;
      return true;
    }
    if (type === "*") {
      const n = Number(head.slice(1));
      for (let k = 0; k < n; k++) if (!readValue()) return false;
      return true;
    }
    return lines.push(head), true;
  };
  return readValue() ? lines.join("\n") : null;
}

export async function redisStats(): Promise<{ commands: number; cpuMs: number } | null> {
  try {
    const info = (await redisCommand(["INFO", "stats"])) + "\n" + (await redisCommand(["INFO", "cpu"]));
    const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, "m").exec(info)?.[1] ?? NaN);
    return { commands: field("total_commands_processed"), cpuMs: (field("used_cpu_user") + field("used_cpu_sys")) * 1000 };
  } catch {
    return null;
  }
}

/** Deletes every key under a prefix (SCAN + DEL). */
export async function redisDeletePrefix(prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const reply = (await redisCommand(["SCAN", cursor, "MATCH", `${prefix}*`, "COUNT", "1000"])).split("\n");
    cursor = reply[0]!;
    const keys = reply.slice(1).filter(Boolean);
    if (keys.length) deleted += Number(await redisCommand(["DEL", ...keys]));
  } while (cursor !== "0");
  return deleted;
}
