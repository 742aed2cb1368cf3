import { redirect } from "next/navigation";
import { settingsPath } from "@/lib/domain/organizations/url";

export default async function Settings({ params }: { params: Promise<{ slug: string }> }) {
  redirect(settingsPath((await params).slug));
}
