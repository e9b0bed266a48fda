import { beforeAll, describe, expect, it } from "vitest";
import { encodeChat, renderChat, type ChatMessage } from "@/lib/ml/tokenizer/chat-template";
import { Tokenizer } from "@/lib/ml/tokenizer/tokenizer";
import { trainBpe } from "@/lib/ml/tokenizer/train-bpe";
import { repeatedCorpus } from "./corpus";

const messages: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "What is the capital of France?" },
  { role: "assistant", content: "Paris." },
  { role: "user", content: "\n\n\n  And of Italy?  \n" },
  { role: "assistant", content: " Rome 🙂\n\n" },
];

let tokenizer: Tokenizer;
beforeAll(() => {
  tokenizer = Tokenizer.fromBpe(trainBpe(repeatedCorpus(4), { vocabSize: 400 }));
});

describe("chat template", () => {
  it("renders messages between markers, with an optional generation prompt", () => {
    expect(renderChat(messages.slice(0, 3))).toBe("<|system|>Be brief.<|end|><|user|>What is the capital of France?<|end|><|assistant|>Paris.<|end|>");
    expect(renderChat(messages.slice(1, 2), { addGenerationPrompt: true })).toBe("<|user|>What is the capital of France?<|end|><|assistant|>");
  });

  it("encodes to the same ids as encoding the rendered text, whatever the whitespace in the content", () => {
    for (const addGenerationPrompt of [false, true]) {
      const { ids } = encodeChat(tokenizer, messages, { addGenerationPrompt });
      expect(ids).toEqual(tokenizer.encode(renderChat(messages, { addGenerationPrompt })));
    }
  });

  it("masks exactly the assistant answers and their closing <|end|>", () => {
    const { ids, assistantMask } = encodeChat(tokenizer, messages);
    expect(assistantMask.length).toBe(ids.length);
    const answered = ids.filter((_, i) => assistantMask[i] === 1);
    const expected = [...tokenizer.encode("Paris."), 4, ...tokenizer.encode(" Rome 🙂\n\n"), 4];
    expect(answered).toEqual(expected);
    expect(tokenizer.decode(answered)).toBe("Paris.<|end|> Rome 🙂\n\n<|end|>");
  });

  it("rejects unknown roles, naming the message", () => {
    const bad = [{ role: "tool", content: "x" }] as unknown as ChatMessage[];
    expect(() => renderChat(bad)).toThrow(/message 0: role/);
  });
});
