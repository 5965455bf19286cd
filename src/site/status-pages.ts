import { html } from './html';
import { layout } from './layout';

/** The pages that answer a request with no page to show: kept out of search indexes, naming nothing that exists. */

/** One page for every unknown or private package, collection and user alike, so none can be told from another. */
export function notFoundPage(base: string): string {
  return layout({ title: 'Not found', description: 'There is no public page here.', canonical: `${base}/`, indexable: false },
    html`<section class="card"><h1>Not found</h1><p>There is nothing public at this address. <a href="/directory">Browse the package directory</a>.</p></section>`);
}

/** A query that cannot be read (a page number that is not one, an unknown sort): what was wrong, and a way on. */
export function badRequestPage(base: string, problems: readonly string[]): string {
  return layout({ title: 'Bad request', description: 'This address asks for something that cannot be shown.', canonical: `${base}/directory`, indexable: false },
    html`<section class="card"><h1>Bad request</h1><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul><p><a href="/directory">Back to the package directory</a></p></section>`);
}

/** Past the address's allowance of page views: when to come back, and nothing else. */
export function tooManyRequestsPage(base: string, retryAfterSeconds: number): string {
  return layout({ title: 'Too many requests', description: 'Too many pages were asked for from this address.', canonical: `${base}/directory`, indexable: false },
    html`<section class="card"><h1>Too many requests</h1><p>Too many pages were asked for from your address in the last minute. Please try again in ${String(retryAfterSeconds)} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.</p></section>`);
}
