import { notFound, redirect } from "next/navigation";
import { settingsPath } from "@/lib/domain/organizations/url";
import { getUserContext, memberIn } from "@/lib/auth/context";

// `/{slug}` alone: a member goes to the organization's settings. Any other top-level path that isn't
// a page also lands here, so anyone else (signed out included) gets the 404 page, not a sign-in form.
export default async function OrganizationHome({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const context = await getUserContext();
  if (!context || !memberIn(context, slug)) notFound();
  redirect(settingsPath(slug));
}
