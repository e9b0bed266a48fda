// The project's recipes as steps (lib/recipes/recipe.ts): each step's models with their held-out
// figures and the models they came from; an empty step says how to run it.
import Link from "next/link";
import { Fragment } from "react";
import { formatFigure, type Recipe, type RecipeStep, type RecipeStepKey, type RecipeStepModel } from "@/lib/recipes/recipe";

/** Where an empty step is run: a page of this project, or a CLI command. */
function howToRun(key: RecipeStepKey, projectId: number): { href: string; label: string } | { command: string } {
  const page = (path: string, label: string) => ({ href: `/research/projects/${projectId}/${path}`, label });
  switch (key) {
    case "sft":
    case "rs-sft":
    case "dpo-sft":
      return page("sft", "Run SFT");
    case "cold-start":
      return { command: "palate cold-start-data --out cold.jsonl, then palate sft --file cold.jsonl" };
    case "reward":
      return page("train-rm", "Train reward model");
    case "ppo":
      return page("ppo", "Run PPO");
    case "grpo":
    case "grpo-final":
      return page("grpo", "Run GRPO");
    case "rejection-sampling":
      return page("best-of-n", "Run best-of-n");
    case "dpo":
      return page("dpo", "Run DPO");
  }
}

function StepModel({ model }: { model: RecipeStepModel }) {
  return (
    <li className="flex flex-col gap-0.5 border-t border-slate-100 pt-1.5 first:border-t-0 first:pt-0" data-testid={`recipe-model-${model.name}`}>
      <span className="flex flex-wrap items-baseline gap-2">
        <Link href={`/research/models/${model.id}`} className="font-medium text-indigo-700 underline">
          {model.name}
        </Link>
        {model.round !== null && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">{`round ${model.round}`}</span>}
        {!model.ofProject && <span className="text-xs text-slate-500">(not of this project)</span>}
      </span>
      {model.figures.length > 0 && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
          {model.figures.map((f) => (
            <div key={f.label} className="contents">
              <dt className="text-slate-600">{f.label}</dt>
              <dd className="font-mono">{formatFigure(f)}</dd>
            </div>
          ))}
        </dl>
      )}
      {model.from.length > 0 && (
        <span className="text-xs text-slate-600">
          from{" "}
          {model.from.map((l, i) => (
            <span key={l.id}>
              {i > 0 && ", "}
              {l.relation}{" "}
              <Link href={`/research/models/${l.id}`} className="text-indigo-700 underline">
                {l.name}
              </Link>
            </span>
          ))}
        </span>
      )}
    </li>
  );
}

function Step({ step, projectId }: { step: RecipeStep; projectId: number }) {
  const empty = step.models.length === 0 && (step.data?.length ?? 0) === 0;
  const run = howToRun(step.key, projectId);
  return (
    <li className="flex w-52 shrink-0 flex-col gap-2 rounded border border-slate-200 bg-white p-3" data-testid={`recipe-step-${step.key}`}>
      <h4 className="font-medium">{step.title}</h4>
      <p className="text-xs text-slate-600">{step.summary}</p>
      {step.models.length > 0 && (
        <ul className="flex flex-col gap-1.5 text-sm">
          {step.models.map((m) => (
            <StepModel key={m.id} model={m} />
          ))}
        </ul>
      )}
      {step.data && step.data.length > 0 && (
        <ul className="flex flex-col gap-1.5 text-xs">
          {step.data.map((d) => (
            <li key={`${d.usedBy.id}:${d.file}`} data-testid="recipe-data">
              <span className="font-mono break-all" title={d.file}>
                {d.file.split(/[\\/]/).pop()}
              </span>
              {d.rows !== null && <> · {d.rows} kept</>}
              {d.n !== null && <> · best of {d.n}</>}
              {d.by !== null && <> by {d.by}</>}
              {d.policy && (
                <>
                  {" "}
                  · from{" "}
                  {"id" in d.policy ? (
                    <Link href={`/research/models/${d.policy.id}`} className="text-indigo-700 underline">
                      {d.policy.name}
                    </Link>
                  ) : (
                    <span className="font-mono">{d.policy.label}</span>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {empty && (
        <p className="text-xs text-slate-500">
          Not run yet.{" "}
          {"href" in run ? (
            <Link href={run.href} className="text-indigo-700 underline">
              {run.label}
            </Link>
          ) : (
            <code className="break-words">{run.command}</code>
          )}
        </p>
      )}
    </li>
  );
}

export function RecipeView({ recipes, projectId }: { recipes: Recipe[]; projectId: number }) {
  return (
    <div className="flex flex-col gap-4">
      {recipes.map((recipe) => (
        <div key={recipe.key} className="flex flex-col gap-2" data-testid={`recipe-${recipe.key}`}>
          <h3 className="font-medium">{recipe.title}</h3>
          <ol className="flex gap-2 overflow-x-auto pb-1" aria-label={`${recipe.title} steps`}>
            {recipe.steps.map((step, i) => (
              <Fragment key={step.key}>
                {i > 0 && (
                  <li aria-hidden className="self-center text-slate-400">
                    →
                  </li>
                )}
                <Step step={step} projectId={projectId} />
              </Fragment>
            ))}
          </ol>
        </div>
      ))}
    </div>
  );
}
