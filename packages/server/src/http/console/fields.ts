/**
 * Form fields with their label, hint and error: the error sits next to its field, is tied to
 * it by `aria-describedby`, and the field says `aria-invalid`. Inputs carry no constraint
 * attributes (min, max, required): the admin API is the one place that validates, so the
 * browser never refuses what the API would accept or the other way round.
 */
import { type Html, html } from '../pages/html.ts';

/** Form field name → message. */
export type FieldErrors = Readonly<Record<string, string>>;

export interface FieldBase {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  /** Disambiguates fields of several forms on one page. */
  form?: string;
}

export function fieldId(name: string, form?: string): string {
  return `f-${form ? `${form}-` : ''}${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function described(f: FieldBase): { id: string; aria: Html; hint: Html; error: Html } {
  const id = fieldId(f.name, f.form);
  const ids = [f.hint ? `${id}-hint` : '', f.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    aria: html`${ids ? html` aria-describedby="${ids}"` : ''}${f.error ? html` aria-invalid="true"` : ''}${
      f.required ? html` aria-required="true"` : ''
    }`,
    hint: f.hint ? html`<p class="hint" id="${id}-hint">${f.hint}</p>` : html``,
    error: f.error ? html`<p class="field-error" id="${id}-error">${f.error}</p>` : html``,
  };
}

function labelFor(id: string, f: FieldBase): Html {
  return html`<label for="${id}">${f.label}${f.required ? html` <span class="req">(required)</span>` : ''}</label>`;
}

export interface TextField extends FieldBase {
  value?: string;
  type?: 'text' | 'password' | 'email' | 'search';
  numeric?: boolean;
  autocomplete?: string;
  list?: string;
}

export function textField(f: TextField): Html {
  const d = described(f);
  return html`<div class="field${f.error ? ' has-error' : ''}">
${labelFor(d.id, f)}${d.hint}${d.error}
<input type="${f.type ?? 'text'}" id="${d.id}" name="${f.name}" value="${f.value ?? ''}"${
    f.numeric ? html` inputmode="numeric"` : ''
  }${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${
    f.list ? html` list="${f.list}"` : ''
  } autocapitalize="none" spellcheck="false"${d.aria}>
</div>`;
}

export function textArea(f: FieldBase & { value?: string; rows?: number; mono?: boolean }): Html {
  const d = described(f);
  return html`<div class="field${f.error ? ' has-error' : ''}">
${labelFor(d.id, f)}${d.hint}${d.error}
<textarea id="${d.id}" name="${f.name}" rows="${f.rows ?? 3}"${f.mono ? html` class="mono"` : ''} spellcheck="false"${d.aria}>${f.value ?? ''}</textarea>
</div>`;
}

export interface Option {
  value: string;
  label: string;
}

export function selectField(f: FieldBase & { value?: string; options: readonly Option[] }): Html {
  const d = described(f);
  return html`<div class="field${f.error ? ' has-error' : ''}">
${labelFor(d.id, f)}${d.hint}${d.error}
<select id="${d.id}" name="${f.name}"${d.aria}>
${f.options.map(
  (o) =>
    html`<option value="${o.value}"${o.value === (f.value ?? '') ? html` selected` : ''}>${o.label}</option>`,
)}
</select>
</div>`;
}

export function fileField(f: FieldBase & { accept?: string }): Html {
  const d = described(f);
  return html`<div class="field${f.error ? ' has-error' : ''}">
${labelFor(d.id, f)}${d.hint}${d.error}
<input type="file" id="${d.id}" name="${f.name}"${f.accept ? html` accept="${f.accept}"` : ''}${d.aria}>
</div>`;
}

/** One checkbox; unchecked sends nothing, so the form's reader decides what absence means. */
export function checkbox(f: FieldBase & { checked: boolean; value?: string }): Html {
  const d = described(f);
  return html`<div class="field check${f.error ? ' has-error' : ''}">
${d.error}
<input type="checkbox" id="${d.id}" name="${f.name}" value="${f.value ?? 'on'}"${f.checked ? html` checked` : ''}${d.aria}>
<label for="${d.id}">${f.label}</label>${d.hint}
</div>`;
}

/** Checkboxes or radio buttons in a fieldset whose legend names the group. */
export function choiceGroup(
  f: FieldBase & {
    type: 'checkbox' | 'radio';
    options: readonly (Option & { hint?: string })[];
    chosen: readonly string[];
  },
): Html {
  const d = described(f);
  return html`<fieldset class="field choices${f.error ? ' has-error' : ''}" id="${d.id}"${d.aria}>
<legend>${f.label}</legend>${d.hint}${d.error}
<div class="choice-list">
${f.options.map((o, i) => {
  const id = `${d.id}-${i}`;
  return html`<div class="choice"><input type="${f.type}" id="${id}" name="${f.name}" value="${o.value}"${
    f.chosen.includes(o.value) ? html` checked` : ''
  }><label for="${id}">${o.label}${o.hint ? html` <span class="muted">${o.hint}</span>` : ''}</label></div>`;
})}
</div>
</fieldset>`;
}

/** The errors of a refused form, at its top: each links to its field. */
export function errorSummary(
  errors: FieldErrors,
  formError?: string,
  form?: string,
  labels: Readonly<Record<string, string>> = {},
): Html {
  const entries = Object.entries(errors);
  if (entries.length === 0 && !formError) return html``;
  return html`<div class="error" role="alert">
${formError ? html`<p>${formError}</p>` : html`<p>The form was not saved:</p>`}
${
  entries.length
    ? html`<ul>${entries.map(([name, msg]) => html`<li><a href="#${fieldId(name, form)}">${labels[name] ? `${labels[name]}: ` : ''}${msg}</a></li>`)}</ul>`
    : ''
}
</div>`;
}

/** The hidden CSRF field every POST form carries. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}
