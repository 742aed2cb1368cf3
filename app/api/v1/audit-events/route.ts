import { API } from "@/lib/http/endpoints";
import { auditEventObject, listObject } from "@/lib/http/serializers";
import { route } from "@/lib/http/route";
import { listAuditEvents } from "@/lib/domain/audit/log";

// The wrapper checks audit_log:read (owners and admins, through the key's restriction); the list
// is the key's own organization's, whatever the filters name.
export const { GET, POST, PUT, PATCH, DELETE } = route(API.auditEvents, {
  GET: async ({ key, query }) => {
    const page = await listAuditEvents({
      organizationId: key.organization.id,
      filters: {
        action: query.action,
        actor: query.actor,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      },
      limit: query.limit,
      cursor: query.starting_after,
    });
    return listObject(page.events.map(auditEventObject), page.hasMore, page.nextCursor);
  },
});
