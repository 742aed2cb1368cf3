// `npm start`: build when the sources are newer than the last build, then serve. Migrations and
// the embedded database's first seed run inside the server at start-up (instrumentation.ts).
// `npm run dev`: the same checks, then the same server in development mode. Both run Next inside
// scripts/server.mjs, which resolves each request's client address (see TRUST_PROXY).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { buildIsFresh } from "./build-freshness.mjs";

const dev = process.argv.includes("--dev");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const port = env.PORT || "3000";
const nextBin = path.join("node_modules", "next", "dist", "bin", "next");

if (env.DATABASE_URL && !env.AUTH_SECRET && !env.NEXTAUTH_SECRET) {
  console.error(
    "\nAUTH_SECRET is not set.\n" +
      "With DATABASE_URL every instance must sign sessions with the same secret. Set it, e.g.:\n" +
      "  export AUTH_SECRET=\"$(openssl rand -base64 32)\"\n",
  );
  process.exit(1);
}

if (!existsSync(path.join("lib", "generated", "prisma", "client.ts"))) {
  const generated = spawnSync(process.execPath, ["scripts/prisma-generate.mjs"], { stdio: "inherit", env });
  if (generated.status !== 0) process.exit(generated.status ?? 1);
}

if (!dev && !buildIsFresh(env.NEXT_DIST_DIR || ".next")) {
  console.log("Building the app (first start, or the sources changed)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, ["scripts/server.mjs", ...(dev ? ["--dev"] : [])], { stdio: "inherit", env: { ...env, PORT: port } });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

async function announce() {
  const url = `http://localhost:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      const response = await fetch(`${url}/api/health/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const embedded = !env.DATABASE_URL;
  const lines = [`\n  Paygentic is ready at ${url}`];
  if (embedded || env.SEED_DEMO_DATA === "true" || env.SEED_DEMO_DATA === "1") {
    lines.push(
      "",
      "  Demo logins (password: demo-password)",
      "    alice@acme.test    owner of Acme Inc",
      "    adam@acme.test     admin of Acme Inc",
      "    dana@acme.test     developer in Acme Inc and Globex",
      "    victor@acme.test   viewer of Acme Inc",
      "    gina@globex.test   owner of Globex",
    );
  }
  console.log(lines.join("\n") + "\n");
}
void announce();
