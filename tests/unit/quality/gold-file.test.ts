// The gold file's lines: every way to name a task and an expectation parses; a bad line is
// named by its number and field.
import { describe, expect, it } from "vitest";
import { GoldFileError, parseGoldFile } from "@/lib/quality/gold-file";
import { drawsGold } from "@/lib/quality/gold-serving";

describe("parseGoldFile", () => {
  it("reads each form, skipping blank lines, with positions by default", () => {
    const text = [
      '{"external_id": "oa-1", "ranking": [[2], [0, 1], [3]]}',
      "",
      '{"task_id": 4, "first": 1, "by": "id"}',
      '{"prompt": "Name a colour.", "completions": ["Red.", "Seven."], "first": 0}',
      '{"prompt": [{"role": "user", "content": "Hi"}], "completions": ["a", "b"], "none_acceptable": true}',
      '{"task_id": 5, "gold": false}',
    ].join("\n");
    const lines = parseGoldFile(text);
    expect(lines.map((l) => l.line)).toEqual([1, 3, 4, 5, 6]);
    expect(lines[0].value).toMatchObject({ external_id: "oa-1", by: "position", ranking: [[2], [0, 1], [3]] });
    expect(lines[1].value).toMatchObject({ task_id: 4, by: "id", first: 1 });
    expect(lines[3].value.none_acceptable).toBe(true);
    expect(lines[4].value.gold).toBe(false);
  });

  it("names the line and the field of the first bad line", () => {
    const bad = (text: string) => {
      try {
        parseGoldFile(text);
      } catch (err) {
        expect(err).toBeInstanceOf(GoldFileError);
        return (err as Error).message;
      }
      throw new Error("no error");
    };
    expect(bad('{"task_id": 1, "first": 0}\nnot json')).toBe("line 2: not valid JSON");
    expect(bad('{"task_id": 1, "first": -1}')).toMatch(/^line 1: first: /);
    expect(bad('{"task_id": 1, "first": 0, "ranking": [[0], [1]]}')).toMatch(/^line 1: give exactly one of ranking, first/);
    expect(bad('{"task_id": 1, "external_id": "x", "first": 0}')).toMatch(/^line 1: name the task by exactly one/);
    expect(bad('{"prompt": "Hi", "first": 0}')).toBe("line 1: completions: a prompt needs its completions");
    expect(bad('{"task_id": 1, "ranking": [[0], []]}')).toBe("line 1: ranking.1: a group is empty");
    expect(bad('{"task_id": 1, "first": 0, "colour": "red"}')).toBe("line 1: colour: unknown field");
    expect(bad("\n\n")).toBe("line 1: the file has no lines");
  });
});

describe("drawsGold", () => {
  it("never at share 0, always at share 1, about s of the draws in between", () => {
    let x = 0;
    const counter = () => (x = (x * 9301 + 49297) % 233280) / 233280;
    expect(drawsGold(0, () => 0)).toBe(false);
    expect(drawsGold(1, () => 0.999)).toBe(true);
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (drawsGold(0.2, counter)) hits++;
    expect(hits / 10_000).toBeGreaterThan(0.17);
    expect(hits / 10_000).toBeLessThan(0.23);
  });
});
