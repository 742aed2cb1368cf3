import { Skeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div className="grid gap-8" aria-busy="true">
      <span className="sr-only" role="status">
        Loading the key…
      </span>
      <div className="grid gap-3">
        <Skeleton className="h-4 w-20" />
        <Skeleton className="h-8 w-64" />
      </div>
      <Skeleton className="h-44 w-full" />
      {/* The chart's box has a fixed height: the page doesn't move when it arrives. */}
      <Skeleton className="h-80 w-full" />
    </div>
  );
}
