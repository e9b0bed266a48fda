// Where to go after sign-in: only a path on this site, never another origin. Used by the login
// page (server) and the login form (browser) alike.
//
// The candidate is resolved the way a browser would resolve it against this site (so `/\evil`,
// `/%5Cevil` once decoded, `//evil`, `\\evil`, tabs and newlines inside, `https://evil` all show
// their true host) and kept only when the host is unchanged; what is returned is the resolved
// path, which must not itself start with `//` or `/\` (`/.//evil` resolves to `//evil`).

const PLACEHOLDER = "http://palate.invalid";

/** The same-origin path for `url`, or undefined when it leaves the site (or is not a path). */
export function safeCallbackPath(url: string | null | undefined): string | undefined {
  if (typeof url !== "string" || !url.startsWith("/")) return undefined;
  let resolved: URL;
  try {
    resolved = new URL(url, PLACEHOLDER);
  } catch {
    return undefined;
  }
  if (resolved.origin !== PLACEHOLDER) return undefined;
  const path = resolved.pathname + resolved.search + resolved.hash;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return undefined;
  return path;
}
