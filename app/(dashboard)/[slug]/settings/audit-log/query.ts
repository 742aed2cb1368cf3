// The audit log page's state, kept in its URL so a filtered view can be shared and survives a
// reload. Pure: the filter controls (a client component) build the same URLs the server parses.

export type AuditLogQuery = {
  action?: string;
  /** A user id, `api_key:<id>` or `exposed_key_report` (lib/domain/audit/filters.ts). */
  actor?: string;
  /** YYYY-MM-DD, UTC, inclusive. */
  from?: string;
  /** YYYY-MM-DD, UTC, inclusive. */
  to?: string;
  /** Cursor: the page of events older than this one. */
  after?: string;
  /** Cursor: the page of events newer than this one. */
  before?: string;
};

type SearchParams = Record<string, string | string[] | undefined>;

const ACTOR = /^(?:api_key:)?[A-Za-z0-9_-]{1,64}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;

/** A real calendar day between 0001-01-01 and 9999-12-31 (what a date input sends), or undefined. */
export function parseDay(value: string | undefined): string | undefined {
  const match = value ? DAY.exec(value) : null;
  if (!match) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  if (y < 1) return undefined;
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? value : undefined;
}

/** The start of a UTC day. */
export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** The start of the UTC day after `day`: the exclusive end of a range that includes `day`. */
export function endOfDay(day: string): Date {
  const date = startOfDay(day);
  date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

/** Reads the URL; a repeated, unknown or malformed value is dropped rather than failing the page. */
export function parseAuditLogQuery(searchParams: SearchParams, actions: readonly string[]): AuditLogQuery {
  const first = (name: string) => {
    const value = searchParams[name];
    return (Array.isArray(value) ? value[0] : value) || undefined;
  };
  const action = first("action");
  const actor = first("actor");
  const after = first("after");
  const before = first("before");
  return {
    action: action && actions.includes(action) ? action : undefined,
    actor: actor && ACTOR.test(actor) ? actor : undefined,
    from: parseDay(first("from")),
    to: parseDay(first("to")),
    after: after && CURSOR.test(after) ? after : undefined,
    before: !after && before && CURSOR.test(before) ? before : undefined,
  };
}

const ORDER = ["action", "actor", "from", "to", "after", "before"] as const satisfies readonly (keyof AuditLogQuery)[];

/** The URL of a state of the page at `path` (or of its export), empty values left out. */
export function auditLogHref(path: string, query: AuditLogQuery): string {
  const params = new URLSearchParams();
  for (const name of ORDER) {
    const value = query[name];
    if (value) params.set(name, value);
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** The filters alone: what a new filter, the export and "clear" start from (no page cursor). */
export function filtersOf(query: AuditLogQuery): AuditLogQuery {
  return { action: query.action, actor: query.actor, from: query.from, to: query.to };
}

export function hasFilters(query: AuditLogQuery): boolean {
  return Boolean(query.action || query.actor || query.from || query.to);
}
