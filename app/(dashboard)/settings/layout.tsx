import { SettingsNav } from "./settings-nav";

export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-muted-foreground text-sm">Settings</p>
      </div>
      <SettingsNav />
      {children}
    </div>
  );
}
