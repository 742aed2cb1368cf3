import { listApiKeysQuerySchema, type ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";

/** The list's state when the URL says nothing: these values are left out of URLs we build. */
export const DEFAULT_LIST_QUERY: ListApiKeysQuery = listApiKeysQuerySchema.parse({});

type SearchParams = Record<string, string | string[] | undefined>;

/** Reads the URL state; repeated or malformed parameters fall back to the defaults. */
export function parseListQuery(searchParams: SearchParams): ListApiKeysQuery {
  const first: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(searchParams)) first[name] = Array.isArray(value) ? value[0] : value;
  const query = listApiKeysQuerySchema.parse(first);
  return { ...query, q: query.q || undefined };
}

const ORDER = ["scope", "status", "environment", "q", "sort", "dir", "page", "size", "cursor"] as const satisfies readonly (keyof ListApiKeysQuery)[];

/** The URL of a list state on the page at `path`, with defaults omitted so shared links stay short and stable. */
export function listQueryHref(path: string, query: ListApiKeysQuery): string {
  const params = new URLSearchParams();
  for (const name of ORDER) {
    const value = query[name];
    if (value === undefined || value === "" || value === DEFAULT_LIST_QUERY[name]) continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export function hasFilters(query: Pick<ListApiKeysQuery, "q" | "environment">): boolean {
  return Boolean(query.q || query.environment);
}
