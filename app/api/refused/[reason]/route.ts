// Where next.config.js rewrites a request whose body must not be read (lib/security/body-limits.ts):
// /api/refused/too-large → 413 (Content-Length over the JSON cap), /api/refused/length-required →
// 411 (a chunked body). Answers without reading the body, with Connection: close so the rest of
// an upload is not waited for.
import { JSON_BODY_MAX_BYTES, lengthRequired, tooLarge } from "@/lib/security/body-limits";
import { refusalResponse } from "@/lib/security/request-guard";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ reason: string }> };

async function refuse(_request: Request, { params }: Context): Promise<Response> {
  const { reason } = await params;
  return refusalResponse(reason === "length-required" ? lengthRequired() : tooLarge(JSON_BODY_MAX_BYTES));
}

export { refuse as GET, refuse as POST, refuse as PUT, refuse as PATCH, refuse as DELETE };
