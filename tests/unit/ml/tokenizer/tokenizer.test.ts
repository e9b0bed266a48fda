import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer as HFTokenizer } from "@huggingface/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BpeEncoder } from "@/lib/ml/tokenizer/bpe-encoder";
import { trainBpe } from "@/lib/ml/tokenizer/train-bpe";
import { Tokenizer, TOKENIZER_FILES } from "@/lib/ml/tokenizer/tokenizer";
import type { BpeModel } from "@/lib/ml/tokenizer/bpe-model";
import { bpeToTokenizerJson } from "@/lib/ml/tokenizer/tokenizer-json";
import { ROUND_TRIP_TEXTS, repeatedCorpus } from "./corpus";

let model: BpeModel;
let dir: string;
let loaded: Tokenizer;

beforeAll(async () => {
  model = trainBpe(repeatedCorpus(), { vocabSize: 600 });
  dir = await mkdtemp(join(tmpdir(), "palate-tokenizer-"));
  await Tokenizer.fromBpe(model, { modelMaxLength: 128 }).save(dir);
  loaded = await Tokenizer.load(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("tokenizer files", () => {
  it("writes tokenizer.json in the Hugging Face schema (BPE model, ByteLevel components, special added tokens)", async () => {
    const json = JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8"));
    expect(json.version).toBe("1.0");
    expect(json.normalizer).toBeNull();
    expect(json.pre_tokenizer).toEqual({ type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true });
    expect(json.decoder.type).toBe("ByteLevel");
    expect(json.post_processor.type).toBe("ByteLevel");
    expect(json.model.type).toBe("BPE");
    expect(Object.keys(json.model.vocab).length).toBe(600);
    expect(json.model.vocab["<|endoftext|>"]).toBe(0);
    expect(json.model.merges.length).toBe(model.merges.length);
    for (const m of json.model.merges) expect(m).toMatch(/^\S+ \S+$/u);
    expect(json.added_tokens[0]).toEqual({
      id: 0,
      content: "<|endoftext|>",
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    expect(json.added_tokens.map((t: { content: string }) => t.content)).toEqual(model.specialTokens);
  });

  it("writes tokenizer_config.json, special_tokens_map.json, vocab.json and merges.txt for transformers", async () => {
    const read = async (name: string) => readFile(join(dir, name), "utf8");
    for (const name of TOKENIZER_FILES) expect((await read(name)).length).toBeGreaterThan(0);
    const config = JSON.parse(await read("tokenizer_config.json"));
    expect(config.tokenizer_class).toBe("GPT2Tokenizer");
    expect(config.eos_token).toBe("<|endoftext|>");
    expect(config.bos_token).toBe("<|endoftext|>");
    expect(config.pad_token).toBe("<|endoftext|>");
    expect(config.model_max_length).toBe(128);
    expect(config.add_bos_token).toBe(false);
    expect(config.clean_up_tokenization_spaces).toBe(false);
    expect(config.added_tokens_decoder["4"].content).toBe("<|end|>");
    expect(config.additional_special_tokens).toEqual(["<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]);
    expect(config.chat_template).toContain("add_generation_prompt");
    const map = JSON.parse(await read("special_tokens_map.json"));
    expect(map).toEqual({
      bos_token: "<|endoftext|>",
      eos_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
      pad_token: "<|endoftext|>",
      additional_special_tokens: ["<|system|>", "<|user|>", "<|assistant|>", "<|end|>"],
    });
    const vocab = JSON.parse(await read("vocab.json"));
    expect(Object.keys(vocab).length).toBe(600);
    const merges = (await read("merges.txt")).split("\n");
    expect(merges[0]).toBe("#version: 0.2");
    expect(merges[1]).toBe(model.merges[0]!.join(" "));
    expect(merges.length).toBe(model.merges.length + 2); // header + trailing newline
  });
});

describe("Tokenizer (via @huggingface/tokenizers)", () => {
  it("exposes vocab size and special token ids", () => {
    expect(loaded.vocabSize).toBe(600);
    expect(loaded.eosTokenId).toBe(0);
    expect(loaded.bosTokenId).toBe(0);
    expect(loaded.padTokenId).toBe(0);
    expect(loaded.tokenToId("<|assistant|>")).toBe(3);
    expect(loaded.idToToken(4)).toBe("<|end|>");
    expect(loaded.idToToken(5 + 0x20)).toBe("Ġ");
    expect([...loaded.specialTokens.entries()]).toEqual(model.specialTokens.map((t, i) => [t, i]));
  });

  it("round-trips text exactly: unicode, emoji, whitespace runs, control characters, special tokens", () => {
    for (const text of ROUND_TRIP_TEXTS) {
      const ids = loaded.encode(text);
      expect(ids.every((id) => Number.isInteger(id) && id >= 0 && id < loaded.vocabSize)).toBe(true);
      expect(loaded.decode(ids)).toBe(text);
    }
    expect(loaded.encode("")).toEqual([]);
    expect(loaded.decode([])).toBe("");
  });

  it("encodes exactly as the reference BPE encoder used in training", () => {
    const ref = new BpeEncoder(model);
    for (const text of [...ROUND_TRIP_TEXTS, ...repeatedCorpus(2)]) expect(loaded.encode(text)).toEqual(ref.encode(text));
  });

  it("encodes what a plain @huggingface/tokenizers Tokenizer reads from the saved files", async () => {
    const json = JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8"));
    const config = JSON.parse(await readFile(join(dir, "tokenizer_config.json"), "utf8"));
    const plain = new HFTokenizer(json, config);
    for (const text of ROUND_TRIP_TEXTS) expect(plain.encode(text).ids).toEqual(loaded.encode(text));
  });

  it("turns special-token text into single special ids and can skip them when decoding", () => {
    const ids = loaded.encode("<|user|>hi<|end|><|endoftext|>");
    expect(ids[0]).toBe(2);
    expect(ids.slice(-2)).toEqual([4, 0]);
    expect(loaded.decode(ids, { skipSpecialTokens: true })).toBe("hi");
  });

  it("uses merges: frequent words become few tokens", () => {
    expect(loaded.encode(" the").length).toBe(1);
    expect(loaded.tokenize("The fox")).toEqual(["The", "Ġfox"]);
  });

  it("saves what it loaded unchanged", async () => {
    const again = await mkdtemp(join(tmpdir(), "palate-tokenizer-"));
    try {
      await loaded.save(again);
      for (const name of TOKENIZER_FILES) {
        expect(await readFile(join(again, name), "utf8")).toBe(await readFile(join(dir, name), "utf8"));
      }
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });

  it("reads tokenizers written by others: [left, right] merges, AddedToken objects in tokenizer_config.json", () => {
    const json = bpeToTokenizerJson(model);
    const pairs = { ...json, model: { ...json.model, merges: model.merges.map(([l, r]) => [l, r] as [string, string]) } };
    const other = Tokenizer.fromJSON(pairs, {
      eos_token: { __type: "AddedToken", content: "<|endoftext|>", lstrip: false },
      bos_token: "<|endoftext|>",
    });
    expect(other.eosTokenId).toBe(0);
    expect(other.bosTokenId).toBe(0);
    expect(other.padTokenId).toBeNull();
    for (const text of ROUND_TRIP_TEXTS) expect(other.encode(text)).toEqual(loaded.encode(text));
    const files = other.files();
    expect(files["merges.txt"]).toBe(loaded.files()["merges.txt"]);
    expect(JSON.parse(files["special_tokens_map.json"]!)).toEqual({ bos_token: "<|endoftext|>", eos_token: "<|endoftext|>" });
    expect(Tokenizer.fromJSON(pairs).eosTokenId).toBe(0);
  });

  it("works with no merges at all (empty corpus): one token per byte", () => {
    const bytesOnly = Tokenizer.fromBpe(trainBpe([], { vocabSize: 1000 }));
    expect(bytesOnly.vocabSize).toBe(5 + 256);
    const text = "héllo 🙂";
    const ids = bytesOnly.encode(text);
    expect(ids).toEqual(Array.from(new TextEncoder().encode(text), (b) => 5 + b));
    expect(bytesOnly.decode(ids)).toBe(text);
  });

  it("reports which file is broken", async () => {
    await expect(Tokenizer.load(join(dir, "missing"))).rejects.toThrow(/tokenizer\.json/);
  });
});
