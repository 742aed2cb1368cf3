"use client";

import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import type { RequestBucket } from "@/lib/domain/api-keys/request-stats";
import { formatBucket, formatCount } from "@/components/time";
import { cn } from "@/lib/utils";
import { ViewTabs } from "./view-tabs";

// Stacked bars of requests (succeeded / refused / failed) per day or hour, Recharts (what shadcn's
// chart components build on). The chart is drawn after hydration into a box of fixed height, so
// nothing below it moves; the same numbers are in a table for screen readers (the chart is
// aria-hidden: an SVG of bars says nothing to them).

const SERIES = [
  { key: "succeeded", label: "Succeeded", color: "var(--chart-succeeded)" },
  { key: "refused", label: "Refused (4xx)", color: "var(--chart-refused)" },
  { key: "failed", label: "Failed (5xx)", color: "var(--chart-failed)" },
] as const;

const CHART_VARS = {
  "--chart-succeeded": "oklch(0.62 0.14 155)",
  "--chart-refused": "oklch(0.75 0.15 75)",
  "--chart-failed": "oklch(0.58 0.21 27)",
} as React.CSSProperties;

type Range = "30d" | "24h";

function label(start: string, range: Range): string {
  return formatBucket(start, range === "30d" ? "day" : "hour");
}

function ChartTooltip({ active, payload, label: heading }: TooltipContentProps<ValueType, NameType>) {
  if (!active || !payload?.length) return null;
  const total = payload.reduce((sum, item) => sum + Number(item.value ?? 0), 0);
  return (
    <div className="rounded-md border bg-popover px-3 py-2 text-xs text-popover-foreground shadow-md">
      <p className="mb-1 font-medium">{heading}</p>
      {[...payload].reverse().map((item) => (
        <p key={String(item.dataKey)} className="flex items-center gap-2">
          <span className="size-2 rounded-sm" style={{ background: item.color }} aria-hidden="true" />
          <span className="text-muted-foreground">{item.name}</span>
          <span className="ml-auto font-mono tabular-nums">{formatCount(Number(item.value ?? 0))}</span>
        </p>
      ))}
      <p className="mt-1 flex justify-between gap-4 border-t pt-1">
        <span className="text-muted-foreground">Total</span>
        <span className="font-mono tabular-nums">{formatCount(total)}</span>
      </p>
    </div>
  );
}

export function RequestsChart({
  series,
  title = "Requests",
  heightClass = "h-56",
  caption,
  table = true,
}: {
  /** Buckets per range; a range missing here has no switch. */
  series: Partial<Record<Range, RequestBucket[]>> & { "30d": RequestBucket[] };
  title?: string;
  heightClass?: string;
  caption?: string;
  /**
   * The numbers as a table for screen readers. Off where the page already is a table of keys (the
   * overview above the key list): the legend's totals say it there, and a second table would be
   * one more set of rows to wade through.
   */
  table?: boolean;
}) {
  const id = useId();
  const [range, setRange] = useState<Range>("30d");
  const buckets = series[range] ?? series["30d"];
  const data = buckets.map((b) => ({ ...b, label: label(b.start, range) }));
  const totals = SERIES.map((s) => ({ ...s, total: buckets.reduce((sum, b) => sum + b[s.key], 0) }));
  const empty = totals.every((t) => t.total === 0);
  const rangeLabel = range === "30d" ? "last 30 days, by day (UTC)" : "last 24 hours, by hour (UTC)";

  return (
    <section aria-labelledby={`${id}-title`} className="grid gap-3" style={CHART_VARS}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h2 id={`${id}-title`} className="text-base font-semibold">
            {title}
          </h2>
          <p className="text-xs text-muted-foreground">{caption ?? rangeLabel}</p>
        </div>
        {series["24h"] ? (
          <ViewTabs
            label="Chart range"
            idPrefix={`${id}-range`}
            panelId={`${id}-panel`}
            value={range}
            options={[
              { value: "30d", label: "30 days" },
              { value: "24h", label: "24 hours" },
            ]}
            onValueChange={setRange}
          />
        ) : null}
      </div>
      <div id={`${id}-panel`} role="tabpanel" aria-labelledby={series["24h"] ? `${id}-range-${range}` : `${id}-title`} className="grid gap-2">
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
          {totals.map((t) => (
            <li key={t.key} className="flex items-center gap-1.5">
              <span className="size-2.5 rounded-sm" style={{ background: t.color }} aria-hidden="true" />
              <span className="text-muted-foreground">{t.label}</span>
              <span className="font-mono tabular-nums">{formatCount(t.total)}</span>
            </li>
          ))}
        </ul>
        <div className={cn("relative w-full", heightClass)} aria-hidden="true">
          {empty ? (
            <div className="absolute inset-0 flex items-center justify-center rounded-md border border-dashed text-sm text-muted-foreground">
              No requests in this period
            </div>
          ) : (
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
                <CartesianGrid vertical={false} strokeDasharray="3 3" className="stroke-border" />
                <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={11} minTickGap={16} />
                <YAxis allowDecimals={false} tickLine={false} axisLine={false} fontSize={11} width={48} />
                <Tooltip content={ChartTooltip} cursor={{ fill: "var(--muted)", opacity: 0.5 }} />
                {SERIES.map((s) => (
                  <Bar key={s.key} dataKey={s.key} name={s.label} stackId="requests" fill={s.color} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          )}
        </div>
        {table ? <table className="sr-only">
          <caption>
            {title}, {rangeLabel}
          </caption>
          <thead>
            <tr>
              <th scope="col">{range === "30d" ? "Day" : "Hour"}</th>
              {SERIES.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((row) => (
              <tr key={row.start}>
                <th scope="row">{row.label}</th>
                {SERIES.map((s) => (
                  <td key={s.key}>{row[s.key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table> : null}
      </div>
    </section>
  );
}
