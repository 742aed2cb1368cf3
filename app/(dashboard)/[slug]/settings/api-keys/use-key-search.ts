"use client";

import { useEffect, useRef, useState } from "react";
import type { ListApiKeysQuery } from "@/lib/domain/api-keys/schemas";

const SEARCH_DEBOUNCE_MS = 300;

type Navigate = (changes: Partial<ListApiKeysQuery>, options?: { history?: "push" | "replace" }) => void;

/**
 * The key list's search box: typed text reaches the URL after a pause (replacing, so Back doesn't
 * step through keystrokes), Enter sends it at once, and Back/Forward show the search their URL holds.
 */
export function useKeySearch(initial: string | undefined, current: string | undefined, navigate: Navigate) {
  const [search, setSearch] = useState(initial ?? "");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => () => clearTimeout(timer.current), []);

  // Back/Forward change the URL without this input: show the search that URL holds.
  useEffect(() => {
    function onPopState() {
      clearTimeout(timer.current);
      setSearch(new URLSearchParams(window.location.search).get("q") ?? "");
    }
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  function change(value: string) {
    setSearch(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => navigate({ q: value.trim() || undefined }, { history: "replace" }), SEARCH_DEBOUNCE_MS);
  }

  function flush() {
    clearTimeout(timer.current);
    if ((search.trim() || undefined) !== current) navigate({ q: search.trim() || undefined }, { history: "replace" });
  }

  /** Clears the search and the environment, and puts the cursor back in the search box. */
  function clearFilters() {
    clearTimeout(timer.current);
    setSearch("");
    navigate({ q: undefined, environment: undefined });
    input.current?.focus();
  }

  return { search, input, change, flush, clearFilters };
}
