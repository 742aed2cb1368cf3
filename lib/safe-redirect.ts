const DEFAULT_PATH = "/settings/api-keys";

/** Only same-origin paths: "/x" yes, "//evil.test" or "https://evil.test" no (open redirect). */
export function safeCallbackPath(value: string | undefined | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return DEFAULT_PATH;
  if (value.startsWith("/login")) return DEFAULT_PATH;
  return value.slice(0, 2048);
}
