import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/**
 * PGlite doesn't lock its folder: two processes open it without complaint and, once both stop,
 * writes acknowledged by one of them are gone. So the embedded database is held by one process at
 * a time, through a lock file beside the folder (inside it, initdb would find a non-empty folder).
 * The lock of a process that died (kill -9, a crash) is taken over.
 */

export type LockOwner = { pid: number; hostname: string; startedAt: string; command: string };

export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
  constructor(
    readonly owner: LockOwner,
    readonly lockFile: string,
  ) {
    super(
      `The embedded database ${path.dirname(lockFile)}/${path.basename(lockFile, ".lock")} is in use by another process ` +
        `(pid ${owner.pid}${owner.hostname === hostname() ? "" : ` on ${owner.hostname}`}, started ${owner.startedAt}: ${owner.command}). ` +
        "Stop that process first, or give this one its own DATA_DIR (or DATABASE_URL for a shared PostgreSQL database). " +
        `If no such process is running, delete ${lockFile}.`,
    );
  }
}

const held = new Map<string, number>();

export function lockFileFor(pgliteDir: string): string {
  return `${path.resolve(pgliteDir).replace(/[/\\]+$/, "")}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock for `pgliteDir` for the life of this process, or throws DatabaseLockedError
 * naming the process that has it. Taking it again in the same process is a no-op.
 */
export function lockEmbeddedDatabase(pgliteDir: string): string {
  const file = lockFileFor(pgliteDir);
  if (held.has(file)) return file;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(file);
      // An unreadable lock is one being written right now, or debris: look again before judging.
      if (!owner && attempt === 0) continue;
      const stale = !owner || (owner.hostname === hostname() && (owner.pid === process.pid || !alive(owner.pid)));
      if (!stale) throw new DatabaseLockedError(owner, file);
      try {
        unlinkSync(file);
      } catch {
        // another process took it over first: the next attempt finds its lock
      }
      continue;
    }
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      startedAt: new Date().toISOString(),
      command: process.argv.slice(1).map((a) => path.basename(a)).join(" ").slice(0, 200),
    };
    writeSync(fd, JSON.stringify(owner) + "\n");
    closeSync(fd);
    held.set(file, process.pid);
    return file;
  }
  const owner = readOwner(file);
  if (owner) throw new DatabaseLockedError(owner, file);
  throw new Error(`Could not lock the embedded database (${file}).`);
}

export function unlockEmbeddedDatabase(pgliteDir: string): void {
  const file = lockFileFor(pgliteDir);
  if (!held.delete(file)) return;
  if (readOwner(file)?.pid !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

// A normal exit releases the lock even if nobody closed the database; a crash leaves a stale lock
// that the next process takes over.
process.once("exit", () => {
  for (const file of held.keys()) {
    try {
      if (readOwner(file)?.pid === process.pid) unlinkSync(file);
    } catch {
      // nothing to release
    }
  }
});
