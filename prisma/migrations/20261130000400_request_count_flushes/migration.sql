-- Batches of request counts already written (lib/api-keys/request-counts.ts): makes a retried
-- batch idempotent when the first attempt's outcome was unknown.
CREATE TABLE "ApiKeyRequestsFlush" (
    "id" TEXT NOT NULL,
    "flushedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKeyRequestsFlush_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ApiKeyRequestsFlush_flushedAt_idx" ON "ApiKeyRequestsFlush"("flushedAt");
