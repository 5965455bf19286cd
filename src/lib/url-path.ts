/**
 * A request target split at its '?'. Plain string work rather than `new URL`: the edge does this
 * on every redirect, badge and git request.
 */
export function pathOf(url: string): string {
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

/** What follows the '?', or '' when there is none. */
export function queryOf(url: string): string {
  const start = url.indexOf('?');
  return start === -1 ? '' : url.slice(start + 1);
}
