"use client";

import { ThemeProvider as NextThemesProvider, useTheme } from "next-themes";

export const THEMES = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
] as const;

/**
 * System, light or dark, remembered in localStorage. next-themes sets the class from an inline
 * script before the first paint (no flash of the wrong scheme); the script carries the request's
 * CSP nonce, or the policy set by proxy.ts would block it.
 */
export function ThemeProvider({ nonce, children }: { nonce: string | undefined; children: React.ReactNode }) {
  return (
    <NextThemesProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange nonce={nonce}>
      {children}
    </NextThemesProvider>
  );
}

export { useTheme };
