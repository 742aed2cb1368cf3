import { describe, expect, it } from "vitest";
import { importCircles, importGraph } from "@/tests/helpers/import-graph";

// The layout the README's Architecture section describes, checked on the real import graph
// (type-only imports included): a wrong-way import or a circle fails here, naming the files.

const graph = importGraph();
const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));
const dirOf = (file: string) => file.slice(0, file.lastIndexOf("/"));
const violations = (rule: (edge: { from: string; to: string }) => boolean) =>
  edges.filter(rule).map(({ from, to }) => `${from} → ${to}`);

describe("the import graph", () => {
  it("reads the project (a graph of a few files would pass anything)", () => {
    expect(graph.has("lib/platform/runtime.ts")).toBe(true);
    expect(graph.get("lib/http/route.ts")).toContain("lib/platform/runtime.ts");
  });

  it("has no circle, direct or around a loop", () => {
    expect(importCircles(graph)).toEqual([]);
  });

  it("the circle finder finds one", () => {
    const loop = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(importCircles(loop)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("domain code never imports the HTTP layer, the app or components", () => {
    expect(violations(({ from, to }) => from.startsWith("lib/domain/") && /^(lib\/http|app|components)\//.test(to))).toEqual([]);
  });

  it("lib never imports app or components", () => {
    expect(violations(({ from, to }) => from.startsWith("lib/") && /^(app|components)\//.test(to))).toEqual([]);
  });

  it("platform code imports only platform code, but for the composition root", () => {
    expect(
      violations(
        ({ from, to }) => from.startsWith("lib/platform/") && from !== "lib/platform/runtime.ts" && /^lib\/(domain|http|auth|actions)\//.test(to),
      ),
    ).toEqual([]);
  });

  it("shared components never import a route's files", () => {
    expect(violations(({ from, to }) => from.startsWith("components/") && to.startsWith("app/"))).toEqual([]);
  });

  it("a route imports app files only from its own folder or a parent's, never a sibling route's", () => {
    expect(violations(({ from, to }) => from.startsWith("app/") && to.startsWith("app/") && !`${dirOf(from)}/`.startsWith(`${dirOf(to)}/`))).toEqual(
      [],
    );
  });
});
