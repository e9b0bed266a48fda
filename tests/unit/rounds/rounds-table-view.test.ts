// The research project page's rounds table: a head-to-head win rate is never shown without its
// Wilson 95% interval and pair count, nor a reward model's held-out accuracy without its pairs.
import { describe, expect, it } from "vitest";
import { headToHeadText, heldOutAccuracyText } from "@/app/research/projects/[id]/rounds-table";
import { wilsonInterval } from "@/lib/rounds/rounds";

describe("the rounds table's cells", () => {
  it("a head to head reads win rate, interval, pairs and record together", () => {
    const text = headToHeadText({ model: "policy-1", against: "default-sft", wins: 22, losses: 18, winRate: 22 / 40, interval: wilsonInterval(22, 40) });
    expect(text).toBe("policy-1 preferred in 55.0% [39.8%, 69.3%] of 40 pairs (22–18) vs default-sft");
    expect(headToHeadText({ model: "p", against: "s", wins: 1, losses: 0, winRate: 1, interval: wilsonInterval(1, 1) })).toBe(
      "p preferred in 100.0% [20.7%, 100.0%] of 1 pair (1–0) vs s",
    );
    // No pairs yet: no percentage at all.
    const none = headToHeadText({ model: "p", against: "s", wins: 0, losses: 0, winRate: null, interval: null });
    expect(none).toBe("p vs s: no pairs ranked yet");
    expect(none).not.toMatch(/%/);
  });

  it("a reward model's held-out accuracy comes with its pair count, or not at all", () => {
    const rm = { id: 1, name: "rm-1" };
    expect(heldOutAccuracyText({ ...rm, evalAccuracy: 0.725, evalPairs: 40 })).toBe("72.5% on 40 held-out pairs [57.2%, 83.9%]");
    expect(heldOutAccuracyText({ ...rm, evalAccuracy: 1, evalPairs: 1 })).toBe("100.0% on 1 held-out pair [20.7%, 100.0%]");
    expect(heldOutAccuracyText({ ...rm, evalAccuracy: 0.5, evalPairs: null })).toBe("no held-out pairs");
    expect(heldOutAccuracyText({ ...rm, evalAccuracy: 0.5, evalPairs: 0 })).toBe("no held-out pairs");
    expect(heldOutAccuracyText({ ...rm, evalAccuracy: null, evalPairs: 40 })).toBe("no held-out accuracy");
  });
});
