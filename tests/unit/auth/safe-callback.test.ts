// Where sign-in may send the browser: same-origin paths only (the open redirect of issue 11).
import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/safe-callback";

describe("safeCallbackPath", () => {
  it("keeps paths on this site, with their query and fragment", () => {
    expect(safeCallbackPath("/annotate")).toBe("/annotate");
    expect(safeCallbackPath("/research/projects/3?tab=tasks#top")).toBe("/research/projects/3?tab=tasks#top");
    expect(safeCallbackPath("/a/../admin")).toBe("/admin");
  });

  it.each([
    "/\\evil.example",
    "/\\/evil.example",
    "//evil.example",
    "//evil.example/path",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/.//evil.example",
    "/..//evil.example",
    "https://evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
  ])("refuses %j", (url) => {
    expect(safeCallbackPath(url)).toBeUndefined();
  });

  it("refuses anything that is not a string", () => {
    expect(safeCallbackPath(undefined)).toBeUndefined();
    expect(safeCallbackPath(null)).toBeUndefined();
    expect(safeCallbackPath(["/admin"] as unknown as string)).toBeUndefined();
  });

  it("an encoded backslash stays a harmless path on this site", () => {
    // Next decodes the query string once: ?callbackUrl=/%5Cevil arrives as "/\evil" (refused above);
    // doubly encoded, "/%5Cevil" is a literal path here.
    const path = safeCallbackPath("/%5Cevil.example");
    expect(path).toBe("/%5Cevil.example");
    expect(new URL(path!, "http://app.test").origin).toBe("http://app.test");
  });
});
