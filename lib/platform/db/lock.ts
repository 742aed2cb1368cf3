import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * PGlite doesn't lock its folder: two processes open it without complaint and, once both stop,
 * writes acknowledged by one of them are gone. So the embedded database is held by one process at
 * a time, through a lock file beside the folder (inside it, initdb would find a non-empty folder).
 * The lock of a process that died (kill -9, a crash) is taken over.
 *
 * One folder has many names (a relative path, a `file://` URL, a symlink to it or to a parent), and
 * a lock named after one of them doesn't stop a process that uses another: the lock is named after
 * the folder's real path, and the database is opened by that same path.
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

/**
 * The folder's real path: a `file://` URL becomes a path, a relative path absolute, and symlinks are
 * resolved, of the folder itself when it exists, else of its nearest existing parent.
 */
export function realDatabaseDir(pgliteDir: string): string {
  const absolute = path.resolve(/^file:/i.test(pgliteDir) ? fileURLToPath(pgliteDir) : pgliteDir);
  const missing: string[] = [];
  for (let dir = absolute; ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync(dir), ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || path.dirname(dir) === dir) throw error;
      missing.push(path.basename(dir));
    }
  }
}

/** Creates the folder if needed and returns its real path: what both the lock and PGlite must use. */
export function prepareDatabaseDir(pgliteDir: string): string {
  mkdirSync(realDatabaseDir(pgliteDir), { recursive: true });
  return realDatabaseDir(pgliteDir);
}

export function lockFileFor(pgliteDir: string): string {
  return `${realDatabaseDir(pgliteDir).replace(/[/\\]+$/, "")}.lock`;
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

function parseOwner(raw: string): LockOwner | null {
  try {
    const owner = JSON.parse(raw) as Partial<LockOwner>;
    return typeof owner.pid === "number" ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

function readOwner(file: string): LockOwner | null {
  return parseOwner(readRaw(file) ?? "");
}

/** Creates the lock file with its content in one step: nobody ever reads a half-written lock. */
function create(file: string, owner: LockOwner): boolean {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, JSON.stringify(owner) + "\n", { mode: 0o600 });
  try {
    linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

function readRaw(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
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
  const me: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).map((a) => path.basename(a)).join(" ").slice(0, 200),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create(file, me)) {
      held.set(file, process.pid);
      return file;
    }
    const raw = readRaw(file);
    if (raw === null) continue; // released meanwhile
    const owner = parseOwner(raw);
    const stale = !owner || (owner.hostname === hostname() && (owner.pid === process.pid || !alive(owner.pid)));
    if (!stale) throw new DatabaseLockedError(owner, file);
    // Move the stale lock aside rather than delete it, then check that what was moved is what was
    // judged: another process may have taken the lock over in between, and then it gets it back.
    const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
    try {
      renameSync(file, aside);
    } catch {
      continue;
    }
    if (readRaw(aside) !== raw) {
      try {
        linkSync(aside, file);
      } catch {
        // a third process holds it now: the next attempt reads its lock
      }
    }
    rmSync(aside, { force: true });
  }
  const owner = parseOwner(readRaw(file) ?? "");
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
