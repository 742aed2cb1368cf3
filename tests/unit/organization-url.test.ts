import { describe, expect, it } from "vitest";
import { organizationSlugOf, settingsPath, switchOrganizationPath } from "@/lib/domain/organizations/url";

describe("organization URLs", () => {
  it("reads the organization's slug from a dashboard path, and nothing from other paths", () => {
    expect(organizationSlugOf("/acme/settings/api-keys")).toBe("acme");
    expect(organizationSlugOf("/acme/settings")).toBe("acme");
    expect(organizationSlugOf("/globex/settings/api-keys/key_123")).toBe("globex");
    for (const path of ["/", "/settings/api-keys", "/login", "/docs/api", "/api/settings/x", "/acme", "/acme/settingsx", "/a/b/settings"]) {
      expect(organizationSlugOf(path), path).toBeNull();
    }
  });

  it("builds an organization's settings paths", () => {
    expect(settingsPath("acme")).toBe("/acme/settings/api-keys");
    expect(settingsPath("acme", "members")).toBe("/acme/settings/members");
  });

  it("switches to the same section of another organization, dropping what belongs to the first", () => {
    expect(switchOrganizationPath("/acme/settings/members", "globex")).toBe("/globex/settings/members");
    expect(switchOrganizationPath("/acme/settings/api-keys/key_123", "globex")).toBe("/globex/settings/api-keys");
    expect(switchOrganizationPath("/acme/settings", "globex")).toBe("/globex/settings/api-keys");
    expect(switchOrganizationPath("/somewhere/else", "globex")).toBe("/globex/settings/api-keys");
  });
});
