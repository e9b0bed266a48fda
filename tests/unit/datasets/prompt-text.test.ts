import { describe, expect, it } from "vitest";
import { promptText } from "@/lib/datasets/prompt-text";

describe("promptText", () => {
  it("is a single user message's text verbatim", () => {
    expect(promptText([{ role: "user", content: "  What is 2+2?\n" }])).toBe("  What is 2+2?\n");
  });

  it("renders anything longer as a role-prefixed transcript ending with Assistant:", () => {
    expect(
      promptText([
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "2+2?" },
      ]),
    ).toBe("System: Be brief.\n\nUser: Hi\n\nAssistant: Hello!\n\nUser: 2+2?\n\nAssistant:");
    expect(promptText([{ role: "system", content: "S" }])).toBe("System: S\n\nAssistant:");
  });
});
