// Client-side calls to the JSON route handlers: the parsed body, or the server's error line.
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: string };

export async function callApi<T = unknown>(url: string, method: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    return { ok: false, status: 0, error: err instanceof Error ? err.message : String(err) };
  }
  const data = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!res.ok) return { ok: false, status: res.status, error: data?.error ?? `${res.status} ${res.statusText}` };
  return { ok: true, status: res.status, data: data as T };
}
