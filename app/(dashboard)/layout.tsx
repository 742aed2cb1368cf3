import { requireMember } from "@/lib/session";
import { AppHeader, SkipLink } from "./app-header";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const member = await requireMember();
  return (
    <div className="flex min-h-screen flex-col">
      <SkipLink />
      <AppHeader member={member} />
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 outline-none">
        {children}
      </main>
    </div>
  );
}
