/** What a table says in place of rows: a title, an optional icon, and a line or an action below. */
export function DataTableEmptyMessage({ title, icon, children }: { title: string; icon?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center py-6 text-sm text-muted-foreground">
      {icon ? <div className="mb-3 text-muted-foreground [&_svg]:size-6">{icon}</div> : null}
      <p className="font-medium text-foreground">{title}</p>
      <div className="mt-1 flex flex-col items-center">{children}</div>
    </div>
  );
}
