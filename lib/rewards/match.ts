// Does a completion's final answer match a reference answer?
//
// - A numeric reference (the whole reference is one number: "72", "1,000", "−7", "3/4",
//   "twelve"; numbers.ts parseNumber) is compared as a number with the last number of the
//   answer region (answer.ts): "The answer is 72." and "<answer>72</answer>" match "72",
//   "<answer>1000.0</answer>" matches "1,000", "seventy-two" matches "72".
// - Any other reference is compared as text (normalize.ts: case, accents, punctuation, spacing
//   and a leading article ignored) with the answer's phrases: the whole tagged answer, the last
//   sentence, or what follows that sentence's last "is"/"are"/"was"/"were"/"equals"/":"/"=":
//   "The capital of France is Paris." and "<answer>paris</answer>" match "Paris";
//   "Paris is the capital." does not (use answer tags for text answers).
// - An empty reference (or one of only punctuation) matches nothing.
// Only the completion is read: a reference the prompt repeats counts for nothing.
import { answerPhrases, answerRegion } from "./answer";
import { normalizeAnswerText } from "./normalize";
import { lastNumber, parseNumber, sameNumber } from "./numbers";

export function answerMatches(completion: string, reference: string): boolean {
  const region = answerRegion(completion);
  const wantNumber = parseNumber(reference);
  if (wantNumber !== undefined) {
    const got = lastNumber(region.text);
    return got !== undefined && sameNumber(got.value, wantNumber);
  }
  const want = normalizeAnswerText(reference);
  if (want === "") return false;
  return answerPhrases(region).some((phrase) => normalizeAnswerText(phrase) === want);
}
