import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";

// Only a convenience redirect for signed-out page visits: every layout, page and action checks the
// session (and the organization membership) again on the server. /api answers its own JSON 401s.
export async function proxy(request: NextRequest) {
  const token = await getToken({ req: request, secret: env().authSecret });
  if (token) return NextResponse.next();
  const login = new URL("/login", request.url);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") login.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/((?!api/|login|_next/|favicon.ico|docs/|.*\\.(?:svg|png|ico|txt)$).*)"],
};
