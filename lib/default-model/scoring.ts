// Scoring an answer of eval-qa.
//
// Both the response and the expected answer are normalized: Unicode NFKD with the
// combining marks removed (é → e), lower case, every run of characters that are not
// letters or digits replaced by one space, trimmed. The response is CORRECT when its
// normalized text contains the normalized expected answer as a whole-word sequence
// (bounded by spaces or the ends): "The capital of France is Paris." contains "paris";
// "Parisian" does not; "Washington, D.C." matches "Washington D.C.". An empty expected
// answer is never matched.

export function normalizeAnswer(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function isCorrect(response: string, expected: string): boolean {
  const want = normalizeAnswer(expected);
  if (want === "") return false;
  return ` ${normalizeAnswer(response)} `.includes(` ${want} `);
}
