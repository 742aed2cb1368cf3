import { redirect } from "next/navigation";
import { settingsPath } from "@/lib/organization-url";
import { lastUsedOrganization, requireUser } from "@/lib/session";

export default async function Home() {
  redirect(settingsPath((await lastUsedOrganization(await requireUser())).slug));
}
