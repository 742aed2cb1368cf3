// Prints bench/results/latest.json (or the file given) as the Markdown table of the README's
// "Performance" section:  npx tsx bench/markdown.ts [file]
import { readFileSync } from "node:fs";
import path from "node:path";
import { fmt, ROOT, type Row } from "./lib";

type Report = {
  mode: string;
  date: string;
  commit: string;
  dirty: boolean | null;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; os: string; loadAverageAtStart: number[] };
  postgres: string;
  durationSec: number;
  rows: Row[];
};

const file = process.argv[2] ?? path.join(ROOT, "bench/results/latest.json");
const report = JSON.parse(readFileSync(file, "utf8")) as Report;
const value = (r: Row) => {
  const digits = r.unit === "×" ? 3 : r.unit === "req/s" || r.unit === "" || r.unit === "rows" ? 0 : 2;
  const unit = r.unit === "×" ? "×" : r.unit ? ` ${r.unit}` : "";
  return `${fmt(r.value, digits)}${unit}`;
};
const escape = (s: string) => s.replace(/\|/g, "\\|");
const lines = [
  `Measured ${report.date.slice(0, 10)} (${report.mode} run, ${Math.round(report.durationSec / 60)} min), commit \`${report.commit.slice(0, 12)}\`${report.dirty ? " + uncommitted changes" : ""}: ${report.machine.cpu}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB, ${report.machine.os}, Node ${report.machine.node}, PostgreSQL ${report.postgres.split(" ")[0]}; load average ${report.machine.loadAverageAtStart[0]} at the start (a shared machine).`,
  "",
  "| # | measurement | result | target | |",
  "|---|---|---|---|---|",
  ...report.rows.map(
    (r) =>
      `| ${escape(r.section.split(" ")[0] ?? "")} | ${escape(r.metric)} | ${escape(value(r))}${r.note ? ` <br><sub>${escape(r.note)}</sub>` : ""} | ${escape(r.target ?? "")} | ${r.pass === undefined ? "" : r.pass ? "PASS" : "**FAIL**"} |`,
  ),
];
console.log(lines.join("\n"));
