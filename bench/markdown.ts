// Prints bench/results/latest.json (or the file given) as the Markdown table of docs/performance.md:
//   npx tsx bench/markdown.ts [file]           prints it
//   npx tsx bench/markdown.ts --write [file]   replaces the table between the markers in docs/performance.md
import { readFileSync, writeFileSync } from "node:fs";
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

const args = process.argv.slice(2);
const write = args.includes("--write");
const file = args.find((a) => a !== "--write") ?? path.join(ROOT, "bench/results/latest.json");
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
const table = lines.join("\n");

// The generated block: from the line after `<!-- latest table…-->` up to `<!-- /latest table -->`.
const TARGET = path.join(ROOT, "docs/performance.md");
const BLOCK = /(<!-- latest table[^\n]*-->\n)[\s\S]*?(\n<!-- \/latest table -->)/;

if (write) {
  const doc = readFileSync(TARGET, "utf8");
  if (!BLOCK.test(doc)) throw new Error(`${TARGET}: no <!-- latest table … --> … <!-- /latest table --> markers`);
  writeFileSync(TARGET, doc.replace(BLOCK, (_, open: string, close: string) => `${open}${table}${close}`));
  console.log(`wrote the table into ${path.relative(ROOT, TARGET)}`);
} else {
  console.log(table);
}
