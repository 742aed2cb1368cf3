// The verified route: the key from the plugin's default header, checked with the plugin's documented
// server call `auth.api.verifyApiKey({ body: { key } })`.
import { auth } from "@/lib/auth";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const key = request.headers.get("x-api-key");
  if (!key) return Response.json({ ok: false }, { status: 401 });
  const result = await auth().api.verifyApiKey({ body: { key } });
  if (!result.valid) return Response.json({ ok: false, error: result.error?.code ?? null }, { status: 401 });
  return Response.json({ ok: true });
}
