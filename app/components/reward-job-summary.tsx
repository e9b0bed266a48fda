// The summary a finished train-rm job's page shows under "Registered reward model …": the
// held-out accuracy with its Wilson 95% interval, the pairs and prompts it rests on, and the
// small-set warning (lib/reward/held-out.ts); the model page has the rest.
import Link from "next/link";
import type { ModelView } from "@/lib/models/registry";
import { HeldOutAccuracyView } from "./held-out-accuracy";
import { rewardModelInfo } from "./reward-model-info";

export function RewardJobSummary({ model }: { model: Pick<ModelView, "id" | "name" | "metadata"> }) {
  const info = rewardModelInfo(model);
  return (
    <section className="flex flex-col gap-1 text-sm" aria-label="Held-out evaluation" data-testid="reward-job-summary">
      <h2 className="text-lg font-medium">Held-out evaluation</h2>
      <div>
        <span className="text-slate-500">Accuracy (95% interval): </span>
        <HeldOutAccuracyView heldOut={info.heldOut} />
      </div>
      <Link href={`/research/models/${model.id}`} className="text-indigo-700 underline">
        Every metric, what it means, and the calibration table on {model.name}&apos;s page
      </Link>
    </section>
  );
}
