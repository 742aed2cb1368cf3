"use client";

import "./globals.css";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/platform/db/errors";
import { DatabaseUnavailable } from "./database-unavailable";
import { ErrorMessage } from "./error-message";

// Replaces the root layout when that layout itself fails, so it brings its own <html>.
export default function GlobalError({ error, reset, retry }: { error: Error & { digest?: string }; reset: () => void; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {error.digest === DATABASE_UNAVAILABLE_DIGEST ? <DatabaseUnavailable retry={retry} /> : <ErrorMessage digest={error.digest} reset={reset} />}
      </body>
    </html>
  );
}
