// Client-side calls to the JSON route handlers: the parsed body, or the server's error line
// (and, for a 400, the issues naming each bad field).
export interface ApiIssue {
  field: string;
  message: string;
}
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: string; issues: ApiIssue[] };

export async function callApi<T = unknown>(url: string, method: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    return { ok: false, status: 0, error: err instanceof Error ? err.message : String(err), issues: [] };
  }
  const data = (await res.json().catch(() => null)) as (T & { error?: string; issues?: ApiIssue[] }) | null;
  if (!res.ok) {
    return { ok: false, status: res.status, error: data?.error ?? `${res.status} ${res.statusText}`, issues: Array.isArray(data?.issues) ? data.issues : [] };
  }
  return { ok: true, status: res.status, data: data as T };
}
