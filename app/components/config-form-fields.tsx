"use client";

// A training configuration's settings as form inputs, in their sections: each field from its
// schema (config-fields.ts: kind, bounds, default, help), the API's issue for it beside it
// (`params.config.<key>`). One place for the PPO, GRPO and DPO forms; readConfig reads them back
// from the submitted form as the job's `config`.
import { useMemo } from "react";
import type { ApiIssue } from "./api-client";
import type { ConfigFieldSpec } from "./config-fields";
import { FieldError, issueText } from "./field-issues";

const input = "rounded border border-slate-300 px-2 py-1";

/** The submitted values of every field, typed as the schema wants them. */
export function readConfig(data: FormData, fields: readonly ConfigFieldSpec[]): Record<string, number | boolean | string> {
  const config: Record<string, number | boolean | string> = {};
  for (const f of fields) {
    const text = String(data.get(f.key) ?? "").trim();
    if (f.kind === "bool") config[f.key] = data.get(f.key) === "on";
    else if (f.kind === "enum") config[f.key] = text;
    else config[f.key] = Number(text);
  }
  return config;
}

/** The API field names of the settings (`params.config.<key>`), for telling named issues from the rest. */
export function configIssueFields(fields: readonly ConfigFieldSpec[]): string[] {
  return fields.map((f) => `params.config.${f.key}`);
}

export function ConfigFieldSections({
  fields,
  issues,
  onValueChange,
}: {
  fields: readonly ConfigFieldSpec[];
  issues: readonly ApiIssue[];
  /** Called with a numeric field's new value as it is typed (e.g. to show the iterations a run takes). */
  onValueChange?: (key: string, value: number) => void;
}) {
  const sections = useMemo(() => {
    const bySection = new Map<string, ConfigFieldSpec[]>();
    for (const f of fields) bySection.set(f.section, [...(bySection.get(f.section) ?? []), f]);
    return [...bySection];
  }, [fields]);

  const renderField = (f: ConfigFieldSpec) => {
    const field = `params.config.${f.key}`;
    const helpId = `help-${f.key}`;
    const invalid = issueText(issues, field) ? true : undefined;
    if (f.kind === "bool") {
      return (
        <div key={f.key} className="flex flex-col gap-1 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" name={f.key} defaultChecked={f.default === true} aria-describedby={helpId} aria-invalid={invalid} />
            {f.label}
          </label>
          <span id={helpId} className="text-xs text-slate-500">
            {f.help} Default: {f.default ? "on" : "off"}.
          </span>
          <FieldError issues={issues} field={field} />
        </div>
      );
    }
    return (
      <div key={f.key} className="flex flex-col gap-1 text-sm">
        <label className="flex flex-col gap-1">
          {f.label}
          {f.kind === "enum" ? (
            <select name={f.key} defaultValue={String(f.default)} aria-describedby={helpId} aria-invalid={invalid} className={`${input} w-40`}>
              {(f.options ?? []).map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              name={f.key}
              type="number"
              step={f.kind === "int" ? 1 : "any"}
              min={f.min}
              max={f.max}
              defaultValue={String(f.default)}
              required
              aria-describedby={helpId}
              aria-invalid={invalid}
              onChange={onValueChange ? (e) => onValueChange(f.key, Number(e.target.value)) : undefined}
              className={`${input} w-40`}
            />
          )}
        </label>
        <span id={helpId} className="text-xs text-slate-500">
          {f.help} Default: {String(f.default)}.
        </span>
        <FieldError issues={issues} field={field} />
      </div>
    );
  };

  return (
    <>
      {sections.map(([section, list]) => (
        <fieldset key={section} className="flex flex-col gap-2 border-t border-slate-100 pt-3">
          <legend className="text-sm font-medium">{section}</legend>
          <div className="grid gap-x-6 gap-y-4 sm:grid-cols-2 lg:grid-cols-3">{list.map(renderField)}</div>
        </fieldset>
      ))}
    </>
  );
}
