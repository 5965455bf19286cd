import { escapeHtml } from '../lib/html';

/**
 * HTML built by a tagged template in which every interpolated value is escaped unless it is
 * already `Html` (made by this template, or by `trusted` for markup that was sanitised). So a
 * page cannot forget to escape: raw text has no way in.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** Markup that is already safe: sanitised README HTML, an SVG this code drew. */
export function trusted(markup: string): Html {
  return new Html(markup);
}
