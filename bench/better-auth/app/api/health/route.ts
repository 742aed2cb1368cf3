// The unauthenticated baseline beside the verified route.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" });
}
