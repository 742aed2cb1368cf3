// Two builds of the app side by side, on one database, under the same load: what a change to the
// request path saves, measured in one run rather than guessed. Build the baseline and the candidate
// into two folders (e.g. `git stash; NEXT_DIST_DIR=.next-base npx next build; git stash pop;
// NEXT_DIST_DIR=.next-new npx next build`), then:
//
//   npx tsx bench/compare-builds.ts --base=.next-base --candidate=.next-new [--routes=health,ping] [--rounds=5] [--seconds=8] [--sequential]
//
// Per route and build: median req/s and server CPU µs per request, and candidate/base per round.
// By default both builds are loaded at the same time (side by side: this shared VM's speed changes
// by ±25 % from one run to the next, which hides a 3 % difference between runs taken one after the
// other, but both servers of one side-by-side run see the same machine); --sequential alternates
// them instead. Both servers run this checkout's scripts/server.mjs.
import { existsSync } from "node:fs";
import path from "node:path";
import { createContext, insertKey, installSignalHandlers, median, okShare, PORTS, processTreeCpuMs, ROOT, round, runCleanups, runMain, startServer, type LoadJob, type Options } from "./lib";

async function main() {
  const arg = (name: string, fallback?: string) => {
    const value = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
    if (value === undefined) throw new Error(`--${name}= is required`);
    return value;
  };
  const builds = { base: arg("base"), candidate: arg("candidate") };
  for (const dir of Object.values(builds)) if (!existsSync(path.join(ROOT, dir, "BUILD_ID"))) throw new Error(`${dir} holds no build (no BUILD_ID)`);
  const routes = arg("routes", "health,ping").split(",");
  const rounds = Number(arg("rounds", "5"));
  const seconds = Number(arg("seconds", "8"));
  const connections = Number(arg("connections", "10"));
  const sequential = process.argv.includes("--sequential");
  installSignalHandlers();
  const log = (l: string) => console.log(`[compare] ${l}`);
  const opts: Options = { smoke: false, distDir: builds.base, serverNodeArgs: [], log };
  const ctx = await createContext(opts);
  try {
    const base = await ctx.serverA();
    const candidate = await startServer({ ...opts, distDir: builds.candidate }, { name: "candidate", port: PORTS.B, databaseUrl: ctx.database.url });
    const { key } = await insertKey(await ctx.sql(), { email: "adam@acme.test" });
    const job = (url: string, route: string): LoadJob => ({
      url: `${url}${route === "ping" ? "/api/v1/ping" : `/api/${route}`}`,
      connections,
      durationSec: seconds,
      ...(route === "ping" ? { headers: { authorization: `Bearer ${key}` } } : {}),
    });
    const servers = { base, candidate };
    for (const s of Object.values(servers)) for (const r of routes) await ctx.load.run({ ...job(s.url, r), durationSec: 3 });
    type Run = { rps: number; cpuUs: number };
    const runs: Record<string, Record<"base" | "candidate", Run[]>> = Object.fromEntries(routes.map((r) => [r, { base: [], candidate: [] }]));
    for (let i = 0; i < rounds; i++) {
      const order = (i % 2 === 0 ? ["base", "candidate"] : ["candidate", "base"]) as ("base" | "candidate")[];
      for (const r of routes) {
        const measure = async (which: "base" | "candidate") => {
          const s = servers[which];
          const before = processTreeCpuMs(s.child.pid!);
          const result = await ctx.load.run(job(s.url, r));
          const cpuUs = ((processTreeCpuMs(s.child.pid!) - before) * 1000) / Math.max(1, result.requests);
          if (okShare(result, "200") < 0.999) throw new Error(`${which} ${r}: not all 200 (${JSON.stringify(result.statusCodes)})`);
          runs[r]![which].push({ rps: result.rps, cpuUs });
        };
        if (sequential) for (const which of order) await measure(which);
        else await Promise.all(order.map(measure));
        const b = runs[r]!.base.at(-1)!;
        const c = runs[r]!.candidate.at(-1)!;
        log(`round ${i + 1} ${r}: base ${round(b.rps, 0)} req/s ${round(b.cpuUs, 0)} µs, candidate ${round(c.rps, 0)} req/s ${round(c.cpuUs, 0)} µs`);
      }
    }
    console.log(`\n${builds.candidate} against ${builds.base}: ${rounds} ${sequential ? "interleaved" : "side-by-side"} rounds of ${seconds} s, ${connections} connections each; medians`);
    for (const r of routes) {
      const { base: b, candidate: c } = runs[r]!;
      const rpsRatios = c.map((x, i) => x.rps / b[i]!.rps);
      const cpuDiffs = c.map((x, i) => x.cpuUs - b[i]!.cpuUs);
      console.log(
        `  ${r.padEnd(8)} req/s ${round(median(b.map((x) => x.rps)), 0)} → ${round(median(c.map((x) => x.rps)), 0)} (×${round(median(rpsRatios), 3)}; per round ${rpsRatios.map((x) => round(x, 3)).join(", ")})` +
          `; server CPU µs/request ${round(median(b.map((x) => x.cpuUs)), 0)} → ${round(median(c.map((x) => x.cpuUs)), 0)} (${round(median(cpuDiffs), 0)}; per round ${cpuDiffs.map((x) => round(x, 0)).join(", ")})`,
      );
    }
    await candidate.stop();
  } finally {
    await runCleanups();
  }
}

runMain(main);
