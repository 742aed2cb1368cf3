import type { Metadata } from "next";
import { headers } from "next/headers";
import { ThemeProvider } from "@/components/theme-provider";
import { Toaster } from "@/components/ui/sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Paygentic", template: "%s · Paygentic" },
  description: "Paygentic dashboard",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request makes every page dynamic: the nonce of the Content-Security-Policy
  // (proxy.ts) is per request, and Next can only add it to the scripts of a page rendered for it.
  const requestHeaders = await headers();
  return (
    // The theme script sets the class on <html> before React hydrates: that difference is expected.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen font-sans" data-request-id={requestHeaders.get("x-request-id") ?? undefined}>
        <ThemeProvider nonce={requestHeaders.get("x-nonce") ?? undefined}>
          {children}
          <Toaster />
        </ThemeProvider>
      </body>
    </html>
  );
}
