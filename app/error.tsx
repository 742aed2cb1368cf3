"use client";

import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/platform/db/errors";
import { DatabaseUnavailable } from "./database-unavailable";
import { ErrorMessage } from "./error-message";

export default function Error({ error, reset, retry }: { error: Error & { digest?: string }; reset: () => void; retry: () => void }) {
  // The session (or the page's data) couldn't be checked: the 503 page, not "something went wrong".
  if (error.digest === DATABASE_UNAVAILABLE_DIGEST) return <DatabaseUnavailable retry={retry} />;
  return <ErrorMessage digest={error.digest} reset={reset} />;
}
