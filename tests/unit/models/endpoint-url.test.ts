// Endpoint URLs: http(s) only, no credentials in the URL, never a link-local, unspecified or
// cloud-metadata host; loopback and private networks allowed (a local vLLM, a lab GPU box).
import { describe, expect, it } from "vitest";
import { checkEndpointAddresses, endpointUrlProblem } from "@/lib/models/endpoint-url";
import { newModelSchema } from "@/lib/models/registry";

const endpoint = (baseUrl: string) => ({ name: "e", kind: "policy", source: "openai", baseUrl, remoteModel: "m" });

describe("endpoint URLs", () => {
  it.each([
    ["file:///etc/passwd", /only http and https/],
    ["ftp://127.0.0.1/v1", /only http and https/],
    ["gopher://127.0.0.1:70/_x", /only http and https/],
    ["data:text/plain,hi", /only http and https/],
    ["http://169.254.169.254/latest/meta-data", /link-local/],
    ["http://169.254.1.2:8000/v1", /link-local/],
    ["http://2852039166/", /169\.254\.169\.254/],
    ["http://[::ffff:169.254.169.254]/", /link-local/],
    ["http://[fe80::1]:8000/v1", /link-local/],
    ["http://[febf::1]/v1", /link-local/],
    ["http://0.0.0.0:8000/v1", /unspecified/],
    ["http://0/v1", /unspecified/],
    ["http://[::]:8000/v1", /unspecified/],
    ["http://[fd00:ec2::254]/", /metadata/],
    ["http://metadata.google.internal/computeMetadata/v1", /metadata/],
    ["http://METADATA.google.internal./", /metadata/],
    ["http://user:secret@127.0.0.1:8000/v1", /user name or password/],
  ])("refuses %s", (url, why) => {
    expect(endpointUrlProblem(url)).toMatch(why);
    const parsed = newModelSchema.safeParse(endpoint(url));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toContain("baseUrl");
  });

  it.each([
    "http://127.0.0.1:8000/v1",
    "http://localhost:11434/v1",
    "http://[::1]:8000/v1",
    "https://api.openai.com/v1",
    "http://10.0.0.5:8000/v1",
    "http://192.168.1.20/v1",
    "http://gpu-box.lan:8000/v1",
  ])("accepts %s", (url) => {
    expect(endpointUrlProblem(url)).toBeNull();
    expect(newModelSchema.safeParse(endpoint(url)).success).toBe(true);
  });

  it("checks the addresses a name resolves to before use", async () => {
    await expect(checkEndpointAddresses("http://localhost:8000/v1")).resolves.toBeUndefined();
    await expect(checkEndpointAddresses("http://169.254.169.254/v1")).rejects.toThrow(/link-local/);
    await expect(checkEndpointAddresses("file:///etc/passwd")).rejects.toThrow(/only http and https/);
  });
});
