-- The key list at 100,000 keys in one organization (bench/scale.ts).
--
-- Its search box matches a substring of the name, the description or the last 4, in any case
-- (ILIKE '%…%'). Without an index that is a scan of every key of the organization (~210 ms);
-- pg_trgm's GIN indexes answer it from the few keys that match. pg_trgm is a trusted extension
-- (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "ApiKey_name_trgm_idx" ON "ApiKey" USING GIN ("name" gin_trgm_ops);
CREATE INDEX "ApiKey_description_trgm_idx" ON "ApiKey" USING GIN ("description" gin_trgm_ops);
CREATE INDEX "ApiKey_last4_trgm_idx" ON "ApiKey" USING GIN ("last4" gin_trgm_ops);

-- Every page counts the view's keys ("95,000 keys", "Page 2 of 3,800"). For the Active, Expiring
-- and Expired views the count reads only this index (revokedAt and expiresAt are in it), ~4 ms
-- instead of ~15-25 ms of heap reads through (organizationId, expiresAt), which it replaces.
DROP INDEX "ApiKey_organizationId_expiresAt_idx";
CREATE INDEX "ApiKey_organizationId_revokedAt_expiresAt_idx" ON "ApiKey"("organizationId", "revokedAt", "expiresAt");
