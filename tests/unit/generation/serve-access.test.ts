// The Host and bearer-key rules of `palate serve` as pure functions.
import { describe, expect, it } from "vitest";
import { bearerProblem, hostAllowed, hostName, hostPolicy } from "@/lib/generation/serve-access";

describe("palate serve access rules", () => {
  it("reads the host name of a Host header", () => {
    expect(hostName("127.0.0.1:8000")).toBe("127.0.0.1");
    expect(hostName("[::1]:8000")).toBe("[::1]");
    expect(hostName("LocalHost.")).toBe("localhost");
    expect(hostName(undefined)).toBeNull();
    expect(hostName("")).toBeNull();
    expect(hostName("a@evil.example")).toBeNull();
    expect(hostName("evil.example/x")).toBeNull();
  });

  it("accepts only loopback names by default, adds a specific bind address, any IP on a wildcard bind", () => {
    const local = hostPolicy("127.0.0.1");
    for (const h of ["localhost:8000", "127.0.0.1", "[::1]:1"]) expect(hostAllowed(local, h), h).toBe(true);
    for (const h of ["evil.example", "10.0.0.5:8000", "127.0.0.2", undefined, ""]) expect(hostAllowed(local, h), String(h)).toBe(false);
    const lan = hostPolicy("192.168.1.5");
    expect(hostAllowed(lan, "192.168.1.5:8000")).toBe(true);
    expect(hostAllowed(lan, "10.0.0.5:8000")).toBe(false);
    const every = hostPolicy("0.0.0.0");
    expect(hostAllowed(every, "10.0.0.5:8000")).toBe(true);
    expect(hostAllowed(every, "[fd00::5]:8000")).toBe(true);
    expect(hostAllowed(every, "evil.example")).toBe(false);
    expect(hostAllowed(hostPolicy("::1"), "[::1]:8000")).toBe(true);
    expect(hostAllowed(hostPolicy("127.0.0.1", ["Gpu-Box.lan"]), "gpu-box.lan:8000")).toBe(true);
    expect(hostAllowed(hostPolicy("127.0.0.1", ["any"]), "evil.example")).toBe(true);
  });

  it("wants exactly Bearer KEY", () => {
    expect(bearerProblem("k1", "Bearer k1")).toBeNull();
    expect(bearerProblem("k1", "bearer  k1")).toBeNull();
    expect(bearerProblem("k1", undefined)).toBe("missing");
    expect(bearerProblem("k1", "Basic k1")).toBe("missing");
    expect(bearerProblem("k1", "Bearer k2")).toBe("wrong");
    expect(bearerProblem("k1", "Bearer k1 extra")).toBe("missing");
  });
});
