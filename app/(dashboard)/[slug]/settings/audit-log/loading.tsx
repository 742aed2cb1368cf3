import { Skeleton } from "@/components/ui/skeleton";

export default function AuditLogLoading() {
  return (
    <div className="space-y-6" aria-busy="true">
      <span className="sr-only" role="status">
        Loading the audit log…
      </span>
      <div className="space-y-2">
        <Skeleton className="h-8 w-32" />
        <Skeleton className="h-4 w-full max-w-xl" />
      </div>
      <div className="flex flex-col gap-3 lg:flex-row lg:items-end">
        {["w-56", "w-64", "w-40", "w-40"].map((width, index) => (
          <div key={index} className="grid gap-1.5">
            <Skeleton className="h-3.5 w-12" />
            <Skeleton className={`h-9 ${width} max-w-full`} />
          </div>
        ))}
        <Skeleton className="h-9 w-32 lg:ml-auto" />
      </div>
      <div className="overflow-hidden rounded-lg border">
        <div className="flex h-10 items-center gap-6 border-b bg-muted/40 px-4">
          {["w-12", "w-16", "w-16", "w-20", "w-20"].map((width, index) => (
            <Skeleton key={index} className={`h-3.5 ${width}`} />
          ))}
        </div>
        {Array.from({ length: 8 }, (_, row) => (
          <div key={row} className="flex items-center gap-6 border-b px-4 py-3 last:border-0">
            <Skeleton className="h-4 w-24" />
            <div className="grid gap-1.5">
              <Skeleton className="h-4 w-32" />
              <Skeleton className="h-3 w-40" />
            </div>
            <Skeleton className="h-5 w-32" />
            <Skeleton className="h-4 w-48" />
            <Skeleton className="ml-auto h-4 w-24" />
          </div>
        ))}
      </div>
    </div>
  );
}
