// The checks every request passes before a route reads it (proxy.ts; the import route calls it
// too, since its large uploads bypass the proxy): the body limit (body-limits.ts), then the
// CSRF rules (csrf.ts). A refusal is a JSON answer `{error}`.
import { requestBodyRefusal, type Refusal } from "./body-limits";
import { writeHeadersOf, writeRequestRefusal } from "./csrf";

export function refusalResponse(refusal: Refusal): Response {
  return Response.json({ error: refusal.error }, { status: refusal.status, headers: refusal.headers });
}

/** The refusal of `request` (body over its cap or without a length, cross-origin or non-JSON write), or undefined. */
export function requestRefusal(request: Request, env: Record<string, string | undefined> = process.env): Refusal | undefined {
  const facts = writeHeadersOf(request);
  return (
    requestBodyRefusal(
      {
        method: request.method,
        pathname: facts.pathname,
        contentLength: request.headers.get("content-length"),
        transferEncoding: request.headers.get("transfer-encoding"),
      },
      env,
    ) ?? writeRequestRefusal(facts)
  );
}

/** The answer refusing `request`, or undefined when it may go on. */
export function guardRequest(request: Request, env: Record<string, string | undefined> = process.env): Response | undefined {
  const refusal = requestRefusal(request, env);
  return refusal ? refusalResponse(refusal) : undefined;
}
