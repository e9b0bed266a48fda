// Parsing the task list's query parameters: defaults, each parameter's checks (a bad value is
// reported by name and left at its default), and the way back to a short URL.
import { describe, expect, it } from "vitest";
import { DEFAULT_TASK_QUERY, isFiltered, parseTaskQuery, taskQueryHref, taskQueryParams } from "@/lib/labeling/task-filter";

const parse = (qs: string) => parseTaskQuery(new URLSearchParams(qs));
const fields = (qs: string) => parse(qs).issues.map((i) => i.field);

describe("parseTaskQuery", () => {
  it("gives the defaults for an empty query, and ignores empty values and unknown parameters", () => {
    expect(parse("")).toEqual({ query: DEFAULT_TASK_QUERY, issues: [] });
    expect(parse("q=&flag=&offset=&round=&other=1")).toEqual({ query: DEFAULT_TASK_QUERY, issues: [] });
    expect(parse("q=%20%20")).toEqual({ query: DEFAULT_TASK_QUERY, issues: [] });
  });

  it("reads every parameter", () => {
    const { query, issues } = parse(
      "q=%20capital%20&flag=harmful&none=1&edited=true&model=sft-1&round=2&status=in-progress&agreementBelow=.75&agreementAbove=0.25&sort=most-flags&offset=100&limit=20",
    );
    expect(issues).toEqual([]);
    expect(query).toEqual({
      q: "capital",
      flag: "harmful",
      none: true,
      edited: true,
      model: "sft-1",
      round: 2,
      status: "in-progress",
      agreementBelow: 0.75,
      agreementAbove: 0.25,
      sort: "most-flags",
      offset: 100,
      limit: 20,
    });
    expect(parse("flag=any&agreementBelow=1&agreementAbove=0").query).toMatchObject({ flag: "any", agreementBelow: 1, agreementAbove: 0 });
  });

  it("names each bad parameter and keeps its default", () => {
    for (const offset of ["1.5", "1e300", "-1", "abc", "0x10", "1000000001", "99999999999"]) {
      const { query, issues } = parse(`offset=${offset}&sort=newest`);
      expect(
        issues.map((i) => i.field),
        offset,
      ).toEqual(["offset"]);
      expect(query).toEqual({ ...DEFAULT_TASK_QUERY, sort: "newest" });
    }
    expect(parse("offset=1.5").issues[0].message).toBe("must be a whole number from 0 to 1000000000");
    expect(fields("limit=0")).toEqual(["limit"]);
    expect(fields("limit=501")).toEqual(["limit"]);
    expect(fields("round=0")).toEqual(["round"]);
    expect(fields("round=two")).toEqual(["round"]);
    expect(fields("sort=best")).toEqual(["sort"]);
    expect(fields("status=done")).toEqual(["status"]);
    expect(fields("flag=rude")).toEqual(["flag"]);
    expect(parse("flag=rude").issues[0].message).toContain("factually_wrong");
    expect(fields("none=yes&edited=0")).toEqual(["none", "edited"]);
    expect(fields("agreementBelow=50")).toEqual(["agreementBelow"]);
    expect(fields("agreementAbove=1.5")).toEqual(["agreementAbove"]);
    expect(fields("agreementAbove=NaN")).toEqual(["agreementAbove"]);
    expect(fields(`q=${"x".repeat(201)}`)).toEqual(["q"]);
    expect(fields("offset=1&offset=2")).toEqual(["offset"]);
    expect(fields("limit=abc&sort=x&offset=1.5")).toEqual(["sort", "offset", "limit"]);
  });

  it("rejects an agreement range no task can be in", () => {
    const { query, issues } = parse("agreementBelow=0.5&agreementAbove=0.5");
    expect(issues.map((i) => i.field)).toEqual(["agreementAbove"]);
    expect(query).toMatchObject({ agreementBelow: 0.5 });
    expect(query.agreementAbove).toBeUndefined();
  });

  it("takes Next's searchParams records too", () => {
    expect(parseTaskQuery({ flag: "any", offset: "50", q: undefined }).query).toEqual({ ...DEFAULT_TASK_QUERY, flag: "any", offset: 50 });
    expect(parseTaskQuery({ flag: ["any", "harmful"] }).issues.map((i) => i.field)).toEqual(["flag"]);
  });
});

describe("taskQueryParams", () => {
  it("writes what differs from the defaults and parses back to the same query", () => {
    const { query } = parse("q=a%26b&flag=any&none=1&round=3&sort=newest&offset=50&limit=50");
    const params = taskQueryParams(query);
    expect(params.toString()).toBe("q=a%26b&flag=any&none=1&round=3&sort=newest&offset=50");
    expect(parseTaskQuery(params).query).toEqual(query);
    expect(taskQueryParams(DEFAULT_TASK_QUERY).toString()).toBe("");
  });

  it("builds links with overrides (a new page, a cleared filter)", () => {
    const { query } = parse("flag=harmful&offset=50");
    expect(taskQueryHref("/research/projects/1", query, { offset: 100 })).toBe("/research/projects/1?flag=harmful&offset=100");
    expect(taskQueryHref("/research/projects/1", query, { offset: undefined, flag: undefined })).toBe("/research/projects/1");
    expect(isFiltered(query)).toBe(true);
    expect(isFiltered({ ...DEFAULT_TASK_QUERY, sort: "newest", offset: 50 })).toBe(false);
  });
});
