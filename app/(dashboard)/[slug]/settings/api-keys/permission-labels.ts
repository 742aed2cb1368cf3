import type { Permission } from "@/lib/domain/permissions";

/** What each permission lets a key do, in the product's words: the Restricted checkboxes and badge tooltips. */
export const PERMISSION_DESCRIPTIONS: Record<Permission, string> = {
  "organization:read": "Read the organization's name and details",
  "usage:read": "List usage events",
  "usage:write": "Record usage events",
  "api_keys:read": "List its owner's API keys",
  "api_keys:write": "Create, edit, roll and revoke its owner's keys",
  "api_keys:manage": "See and act on every member's keys",
  "members:manage": "Invite members, change roles, remove members",
  "audit_log:read": "Read the audit log",
};
