import { notFound } from "next/navigation";
import { ApiKeyError, readApiKey } from "@/lib/domain/api-keys/store";
import { permissionsOf } from "@/lib/domain/permissions";
import { requireMember } from "@/lib/auth/context";

// Who may see the key is decided here, above the page's loading boundary: another member's key
// (without api_keys:manage), another organization's or a made-up id gets the app's 404 page with
// a real 404 status, before anything is streamed. The page checks again itself (layouts and pages
// render in parallel).
export default async function ApiKeyLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string; keyId: string }> }) {
  const { slug, keyId } = await params;
  const member = await requireMember(slug);
  try {
    await readApiKey({ organizationId: member.organization.id, keyId, viewer: { userId: member.user.id, permissions: new Set(permissionsOf(member.role)) } });
  } catch (error) {
    if (error instanceof ApiKeyError) notFound();
    throw error;
  }
  return children;
}
