import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseLockedError, lockEmbeddedDatabase, lockFileFor, unlockEmbeddedDatabase } from "@/lib/platform/db/lock";
import { ConfigError, readEnv } from "@/lib/platform/config";

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

function tempDatabaseDir(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "paygentic-lock-")), "pglite");
}

/** A real process that stays alive until killed, to own a lock. */
function liveProcess(): number {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  children.push(child);
  return child.pid!;
}

function writeLock(dir: string, pid: number, host = hostname()): void {
  writeFileSync(lockFileFor(dir), JSON.stringify({ pid, hostname: host, startedAt: "2026-11-29T00:00:00.000Z", command: "next start" }));
}

/** `npm run db:migrate` on the embedded database named `pgliteDir`: the same opening code a server runs. */
function migrate(pgliteDir: string, dataDir: string) {
  return spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/db.ts", "migrate"], {
    env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: pgliteDir, DATA_DIR: dataDir },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the embedded database's lock", () => {
  it("refuses a second process, naming the one that holds it", () => {
    const dir = tempDatabaseDir();
    const pid = liveProcess();
    writeLock(dir, pid);
    expect(() => lockEmbeddedDatabase(dir)).toThrow(DatabaseLockedError);
    expect(() => lockEmbeddedDatabase(dir)).toThrow(new RegExp(`in use by another process \\(pid ${pid},.*next start`));
  });

  it("takes over the lock of a process that died", async () => {
    const dir = tempDatabaseDir();
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    writeLock(dir, child.pid!);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(lockEmbeddedDatabase(dir)).toBe(lockFileFor(dir));
    expect(JSON.parse(readFileSync(lockFileFor(dir), "utf8")).pid).toBe(process.pid);
    unlockEmbeddedDatabase(dir);
    expect(existsSync(lockFileFor(dir))).toBe(false);
  });

  it("is taken again freely by the process that holds it, and released on unlock", () => {
    const dir = tempDatabaseDir();
    lockEmbeddedDatabase(dir);
    expect(() => lockEmbeddedDatabase(dir)).not.toThrow();
    unlockEmbeddedDatabase(dir);
    expect(existsSync(lockFileFor(dir))).toBe(false);
  });

  it("stops `npm run db:migrate` while another process has the database open, and lets it run after", () => {
    const dir = tempDatabaseDir();
    lockEmbeddedDatabase(dir);
    const run = () =>
      spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/db.ts", "migrate"], {
        env: { ...process.env, DATABASE_URL: "", PGLITE_DIR: dir, DATA_DIR: path.dirname(dir) },
        encoding: "utf8",
        timeout: 60_000,
      });
    const refused = run();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`in use by another process (pid ${process.pid}`);
    expect(existsSync(path.join(dir, "PG_VERSION"))).toBe(false);

    unlockEmbeddedDatabase(dir);
    const allowed = run();
    expect(allowed.stderr).toBe("");
    expect(allowed.status).toBe(0);
    expect(existsSync(lockFileFor(dir))).toBe(false);
  }, 120_000);
});

describe("the embedded database's lock, under a race", () => {
  it("goes to exactly one of several processes starting at the same moment, with or without a stale lock", async () => {
    const script = path.join(mkdtempSync(path.join(tmpdir(), "paygentic-lock-race-")), "take.ts");
    writeFileSync(
      script,
      `import { lockEmbeddedDatabase } from ${JSON.stringify(path.resolve("lib/platform/db/lock.ts"))};
const [dir, at] = [process.argv[2]!, Number(process.argv[3])];
while (Date.now() < at) {}
let outcome = "held";
try { lockEmbeddedDatabase(dir); } catch { outcome = "refused"; }
process.stdout.write(outcome);
// Holds on until the test has heard from every process: a late starter must find the lock held.
setInterval(() => {}, 1000);
`,
    );
    const dirs = Array.from({ length: 4 }, tempDatabaseDir);
    // Half the folders start with the lock of a process that died.
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    dirs.slice(0, 2).forEach((dir) => writeLock(dir, dead));
    const at = Date.now() + 4_000;
    const runs = dirs.flatMap((dir) =>
      Array.from({ length: 3 }, () => {
        const child = spawn(process.execPath, ["--import", "tsx", script, dir, String(at)], { stdio: ["ignore", "pipe", "inherit"] });
        children.push(child);
        let out = "";
        child.stdout!.on("data", (chunk) => (out += chunk));
        return new Promise<{ dir: string; outcome: string }>((resolve) => child.stdout!.once("data", () => setImmediate(() => resolve({ dir, outcome: out }))));
      }),
    );
    const results = await Promise.all(runs);
    for (const child of children) child.kill("SIGKILL");
    for (const dir of dirs) {
      expect(results.filter((r) => r.dir === dir).map((r) => r.outcome).sort()).toEqual(["held", "refused", "refused"]);
    }
  }, 60_000);
});

describe("the embedded database's lock, whatever the folder is called", () => {
  /** A folder, a symlink to it, and a symlink to its parent. */
  function aliases() {
    const dir = tempDatabaseDir();
    mkdirSync(dir);
    const root = path.dirname(dir);
    symlinkSync(dir, path.join(root, "alias"));
    symlinkSync(root, path.join(root, "parent-alias"));
    return { dir, root, alias: path.join(root, "alias"), viaParent: path.join(root, "parent-alias", "pglite") };
  }

  it("names one lock file for the folder's path, its file:// URL, a symlink to it and a symlink to its parent", () => {
    const { dir, alias, viaParent } = aliases();
    const lock = `${dir}.lock`;
    expect(lockFileFor(dir)).toBe(lock);
    expect(lockFileFor(pathToFileURL(dir).href)).toBe(lock);
    expect(lockFileFor(alias)).toBe(lock);
    expect(lockFileFor(viaParent)).toBe(lock);
    expect(lockFileFor(path.relative(process.cwd(), alias))).toBe(lock);
    // A folder that doesn't exist yet is named through its parent's real path.
    expect(lockFileFor(path.join(path.dirname(viaParent), "later"))).toBe(path.join(path.dirname(dir), "later.lock"));
  });

  it("reads PGLITE_DIR=file:///… as the folder's path, and refuses a URL that names no local folder", () => {
    const { dir } = aliases();
    expect(readEnv({ PGLITE_DIR: pathToFileURL(dir).href, DATA_DIR: dir }).pgliteDir).toBe(dir);
    expect(readEnv({ PGLITE_DIR: "memory://", DATA_DIR: dir }).pgliteDir).toBe("memory://");
    expect(() => readEnv({ PGLITE_DIR: "file://elsewhere/db", DATA_DIR: dir })).toThrow(ConfigError);
    expect(() => readEnv({ PGLITE_DIR: "idb://paygentic", DATA_DIR: dir })).toThrow(/PGLITE_DIR/);
  });

  it("stops a second process that names the folder in use by a file:// URL or a symlink, and opens the same database once it is free", () => {
    const { dir, root, alias } = aliases();
    const url = pathToFileURL(dir).href;
    lockEmbeddedDatabase(dir);
    try {
      for (const name of [url, alias]) {
        const refused = migrate(name, root);
        expect(refused.stderr).toContain(`in use by another process (pid ${process.pid}`);
        expect(refused.status).toBe(1);
      }
      // Not a lock file beside a folder literally called "file:" in the working directory.
      expect(existsSync(path.resolve("file:"))).toBe(false);
      expect(existsSync(path.join(dir, "PG_VERSION"))).toBe(false);
    } finally {
      unlockEmbeddedDatabase(dir);
    }

    const created = migrate(url, root);
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^Applied: /);
    expect(existsSync(path.join(dir, "PG_VERSION"))).toBe(true);
    // The symlink opens that same database (already migrated), not an empty one, and says so without "[object Object]".
    const again = migrate(alias, root);
    expect(again.stderr).toBe("");
    expect(again.stdout).toContain("Database is up to date.");
    expect(existsSync(lockFileFor(dir))).toBe(false);
  }, 180_000);
});
