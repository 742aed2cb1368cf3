import { Skeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div className="grid gap-6" aria-busy="true">
      <span className="sr-only" role="status">
        Loading keys…
      </span>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-2">
          <Skeleton className="h-8 w-36" />
          <Skeleton className="h-4 w-96 max-w-full" />
        </div>
        <Skeleton className="h-9 w-36" />
      </div>
      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <Skeleton className="h-9 w-96 max-w-full" />
        <div className="flex gap-2">
          <Skeleton className="h-9 w-64" />
          <Skeleton className="h-9 w-40" />
        </div>
      </div>
      <div className="overflow-hidden rounded-lg border">
        <div className="flex h-11 items-center gap-6 border-b bg-muted/40 px-4">
          {["w-16", "w-12", "w-20", "w-16", "w-16"].map((width, index) => (
            <Skeleton key={index} className={`h-3.5 ${width}`} />
          ))}
        </div>
        {Array.from({ length: 5 }, (_, row) => (
          <div key={row} className="flex items-center gap-6 border-b px-4 py-4 last:border-0">
            <div className="grid w-[32%] gap-1.5">
              <Skeleton className="h-4 w-40" />
              <Skeleton className="h-3 w-56 max-w-full" />
            </div>
            <Skeleton className="h-5 w-28" />
            <Skeleton className="h-5 w-20" />
            <Skeleton className="h-4 w-24" />
            <Skeleton className="h-4 w-24" />
          </div>
        ))}
      </div>
    </div>
  );
}
