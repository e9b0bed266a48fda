// Text answers compared as a grader would: "Paris", " paris. " and "PARIS!" are one answer,
// "São Paulo" and "Sao Paulo" too.
//
// normalizeText: Unicode NFKD with the combining marks removed (é → e), lower case, every run of
// characters that are not letters or digits replaced by one space, trimmed. A leading article
// (the, a, an) is dropped by normalizeAnswerText, so "the Nile" matches "Nile".

/** Lower case, no accents, punctuation and runs of whitespace as one space, trimmed. */
export function normalizeText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** normalizeText without a leading article: what two text answers are compared by. */
export function normalizeAnswerText(text: string): string {
  return normalizeText(text).replace(/^(?:the|a|an) (?=\S)/, "");
}
