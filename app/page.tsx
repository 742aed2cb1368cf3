import { redirect } from "next/navigation";
import { NoOrganization } from "@/components/app-shell/no-organization";
import { settingsPath } from "@/lib/domain/organizations/url";
import { getSignedInUserId, getUserContext, lastUsedOrganization } from "@/lib/auth/context";

export default async function Home() {
  const context = await getUserContext();
  if (context) redirect(settingsPath((await lastUsedOrganization(context)).slug));
  // Signed in but in no organization (they left their last one): not a sign-in problem.
  if (!(await getSignedInUserId())) redirect("/login");
  return <NoOrganization />;
}
