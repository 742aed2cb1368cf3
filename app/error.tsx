"use client";

import { ErrorMessage } from "./error-message";

export default function Error({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorMessage digest={error.digest} reset={reset} />;
}
