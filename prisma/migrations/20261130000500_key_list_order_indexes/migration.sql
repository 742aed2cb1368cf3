-- The key list orders by (createdAt, id): with id in the index, a deep page (OFFSET) walks the index
-- instead of sorting every key of a large organization (bench/scale.ts: page 2,000 of 100k keys).
DROP INDEX "ApiKey_organizationId_createdAt_idx";
CREATE INDEX "ApiKey_organizationId_createdAt_id_idx" ON "ApiKey"("organizationId", "createdAt" DESC, "id" DESC);
DROP INDEX "ApiKey_organizationId_userId_createdAt_idx";
CREATE INDEX "ApiKey_organizationId_userId_createdAt_id_idx" ON "ApiKey"("organizationId", "userId", "createdAt" DESC, "id" DESC);
