-- Key lifecycle: restrictions, who created a key, rolling.
ALTER TABLE "ApiKey" ADD COLUMN "restrictions" JSONB,
ADD COLUMN "createdById" TEXT,
ADD COLUMN "rolledToId" TEXT,
ADD COLUMN "rolledAt" TIMESTAMP(3);

-- Keys created before this migration were created by their owners.
UPDATE "ApiKey" SET "createdById" = "userId";

CREATE UNIQUE INDEX "ApiKey_rolledToId_key" ON "ApiKey"("rolledToId");
CREATE INDEX "ApiKey_organizationId_expiresAt_idx" ON "ApiKey"("organizationId", "expiresAt");
CREATE INDEX "ApiKey_createdById_idx" ON "ApiKey"("createdById");

ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_rolledToId_fkey" FOREIGN KEY ("rolledToId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The audit log: newest first with a tie-breaker for cursors, and its filters.
DROP INDEX "AuditEvent_organizationId_createdAt_idx";
CREATE INDEX "AuditEvent_organizationId_createdAt_id_idx" ON "AuditEvent"("organizationId", "createdAt" DESC, "id" DESC);
CREATE INDEX "AuditEvent_organizationId_action_createdAt_idx" ON "AuditEvent"("organizationId", "action", "createdAt" DESC);
CREATE INDEX "AuditEvent_organizationId_actorUserId_createdAt_idx" ON "AuditEvent"("organizationId", "actorUserId", "createdAt" DESC);

-- Requests per key: minutes (48 hours) and days (90 days).
CREATE TABLE "ApiKeyRequestsMinute" (
    "apiKeyId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "refused" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "refusals" JSONB NOT NULL,

    CONSTRAINT "ApiKeyRequestsMinute_pkey" PRIMARY KEY ("apiKeyId","minute")
);
CREATE INDEX "ApiKeyRequestsMinute_organizationId_minute_idx" ON "ApiKeyRequestsMinute"("organizationId", "minute");
CREATE INDEX "ApiKeyRequestsMinute_minute_idx" ON "ApiKeyRequestsMinute"("minute");
ALTER TABLE "ApiKeyRequestsMinute" ADD CONSTRAINT "ApiKeyRequestsMinute_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ApiKeyRequestsDay" (
    "apiKeyId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "day" TIMESTAMP(3) NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "refused" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "refusals" JSONB NOT NULL,

    CONSTRAINT "ApiKeyRequestsDay_pkey" PRIMARY KEY ("apiKeyId","day")
);
CREATE INDEX "ApiKeyRequestsDay_organizationId_day_idx" ON "ApiKeyRequestsDay"("organizationId", "day");
CREATE INDEX "ApiKeyRequestsDay_day_idx" ON "ApiKeyRequestsDay"("day");
ALTER TABLE "ApiKeyRequestsDay" ADD CONSTRAINT "ApiKeyRequestsDay_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Invitations.
CREATE TABLE "Invitation" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "acceptedById" TEXT,
    "revokedAt" TIMESTAMP(3),
    "revokedById" TEXT,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");
CREATE INDEX "Invitation_organizationId_createdAt_idx" ON "Invitation"("organizationId", "createdAt" DESC);
CREATE INDEX "Invitation_organizationId_email_idx" ON "Invitation"("organizationId", "email");
CREATE INDEX "Invitation_invitedById_idx" ON "Invitation"("invitedById");
CREATE INDEX "Invitation_acceptedById_idx" ON "Invitation"("acceptedById");
CREATE INDEX "Invitation_revokedById_idx" ON "Invitation"("revokedById");
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_acceptedById_fkey" FOREIGN KEY ("acceptedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_revokedById_fkey" FOREIGN KEY ("revokedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
