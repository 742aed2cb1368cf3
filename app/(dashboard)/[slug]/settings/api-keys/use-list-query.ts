"use client";

import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useOptimistic, useRef, useTransition } from "react";
import type { ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";
import { listQueryHref } from "./list-query";

type NavigateOptions = {
  /** "replace" for changes made while typing, so Back doesn't step through every keystroke. */
  history?: "push" | "replace";
};

/**
 * The URL is the list's state. Controls render the optimistic query at once (the tab you clicked
 * is selected immediately) while the server renders the new page inside a transition.
 */
export function useListQuery(serverQuery: ListApiKeysQuery) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const [query, setOptimisticQuery] = useOptimistic(serverQuery);
  // Debounced and chained updates must build on the newest state, not the one they closed over.
  const latest = useRef(query);
  useEffect(() => {
    latest.current = query;
  }, [query]);

  const navigate = useCallback(
    (changes: Partial<ListApiKeysQuery>, { history = "push" }: NavigateOptions = {}) => {
      // Any change other than paging starts again from page 1: page 4 of the old filter means nothing.
      const next: ListApiKeysQuery = { ...latest.current, page: 1, cursor: undefined, ...changes };
      latest.current = next;
      const href = listQueryHref(pathname, next);
      startTransition(() => {
        setOptimisticQuery(next);
        if (history === "replace") router.replace(href, { scroll: false });
        else router.push(href, { scroll: false });
      });
    },
    [router, pathname, setOptimisticQuery],
  );

  return { query, navigate, pending };
}
