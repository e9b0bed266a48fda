import { describe, expect, it } from "vitest";
import { parsePromptFile } from "@/lib/generation/prompt-file";

describe("parsePromptFile", () => {
  it("reads one prompt per line, skipping blank lines", () => {
    expect(parsePromptFile("What is 2+2?\n\n  Name a color.  \r\n")).toEqual(["What is 2+2?", "Name a color."]);
  });

  it("reads JSONL of strings or {prompt} objects", () => {
    expect(parsePromptFile('"a \\"quoted\\" one"\n{"prompt": "two", "id": 7}\n')).toEqual(['a "quoted" one', "two"]);
  });

  it("names the bad line", () => {
    expect(() => parsePromptFile('{"prompt": "ok"}\n{"text": "no"}', "p.jsonl")).toThrow('p.jsonl:2: expected a JSON string or {"prompt": "..."}');
    expect(() => parsePromptFile('{"prompt": "ok"}\n{oops', "p.jsonl")).toThrow(/^p\.jsonl:2: not valid JSON/);
  });
});
