// A run's configuration as stored with it (config.json of a reward model or policy): every key and
// value, in a section of the model page. Objects are shown as JSON.
export function ConfigSection({ title, config, testId }: { title: string; config: Readonly<Record<string, unknown>>; testId: string }) {
  return (
    <section className="flex flex-col gap-2" aria-label={title}>
      <h2 className="text-lg font-medium">{title}</h2>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid={testId}>
        {Object.entries(config).map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="font-mono text-slate-500">{k}</dt>
            <dd className="font-mono">{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
