"use client";

import "./globals.css";
import { ErrorMessage } from "./error-message";

// Replaces the root layout when that layout itself fails, so it brings its own <html>.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <ErrorMessage digest={error.digest} reset={reset} />
      </body>
    </html>
  );
}
