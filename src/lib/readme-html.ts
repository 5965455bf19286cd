import type { Element, Root, RootContent } from 'hast';
import type { GitLocation } from './git-url';

/**
 * A README (Markdown, from the package's upstream: anyone's text) as HTML that is safe to put on
 * our page: GitHub-flavoured Markdown parsed by remark, raw HTML in it dropped (never passed
 * through), the result sanitised by rehype-sanitize with GitHub's schema (no script, style,
 * iframe, event handler or javascript: URL survives), then links and images rewritten: relative
 * ones point at the repository's own host, every link opens with rel="nofollow ugc noopener",
 * and images only load over https and without a referrer.
 */

let pipeline: Promise<(markdown: string, location: GitLocation) => Promise<string>> | undefined;

// The unified packages are ES modules only: loaded once, on first use, and the processor built
// once (building it per call costs more than the render); the location rides on the file.
function load() {
  pipeline ??= (async () => {
    const [{ unified }, { default: remarkParse }, { default: remarkGfm }, { default: remarkRehype }, { default: rehypeSanitize, defaultSchema }, { default: rehypeStringify }] = await Promise.all([
      import('unified'), import('remark-parse'), import('remark-gfm'), import('remark-rehype'), import('rehype-sanitize'), import('rehype-stringify'),
    ]);
    const processor = unified()
      .use(remarkParse)
      .use(remarkGfm)
      .use(remarkRehype, { allowDangerousHtml: false })
      .use(rehypeSanitize, defaultSchema)
      .use(() => (tree: Root, file: { data: Record<string, unknown> }) => rewriter(file.data.location as GitLocation)(tree))
      .use(rehypeStringify)
      .freeze();
    return async (markdown: string, location: GitLocation) => String(await processor.process({ value: markdown, data: { location } }));
  })();
  return pipeline;
}

/** Where the repository's files are shown (links) and served raw (images), on its public host. */
function repositoryBases(location: GitLocation): { blob: string; raw: string } {
  const ref = encodeURIComponent(location.git_ref ?? 'HEAD');
  const repo = `${location.git_owner.split('/').map(encodeURIComponent).join('/')}/${encodeURIComponent(location.git_repo)}`;
  const folder = location.git_path ? `${location.git_path}/` : '';
  switch (location.git_platform) {
    case 'github':
      return { blob: `https://github.com/${repo}/blob/${ref}/${folder}`, raw: `https://raw.githubusercontent.com/${repo}/${ref}/${folder}` };
    case 'gitlab':
      return { blob: `https://gitlab.com/${repo}/-/blob/${ref}/${folder}`, raw: `https://gitlab.com/${repo}/-/raw/${ref}/${folder}` };
    case 'bitbucket':
      return { blob: `https://bitbucket.org/${repo}/src/${ref}/${folder}`, raw: `https://bitbucket.org/${repo}/raw/${ref}/${folder}` };
  }
}

/** An absolute http(s) URL for `value` read against `base`; undefined for anything else. */
function resolved(value: unknown, base: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function rewriter(location: GitLocation): (tree: Root) => void {
  const bases = repositoryBases(location);
  const visit = (node: Root | RootContent) => {
    if (node.type === 'element') rewriteElement(node, bases);
    if ('children' in node) node.children.forEach(visit);
  };
  return visit;
}

function rewriteElement(node: Element, bases: { blob: string; raw: string }): void {
  const props = node.properties;
  if (node.tagName === 'a') {
    const href = props.href;
    // In-page anchors (#section, footnotes) stay as they are.
    if (typeof href === 'string' && href.startsWith('#')) return;
    const target = resolved(href, bases.blob);
    if (target) props.href = target;
    else delete props.href;
    props.rel = ['nofollow', 'ugc', 'noopener'];
  } else if (node.tagName === 'img') {
    const src = resolved(props.src, bases.raw);
    if (src?.startsWith('https:')) props.src = src;
    else delete props.src;
    props.referrerPolicy = 'no-referrer';
    props.loading = 'lazy';
    if (typeof props.alt !== 'string') props.alt = '';
  }
}

export const renderReadme: (markdown: string, location: GitLocation) => Promise<string> = async (markdown, location) => {
  const run = await load();
  return run(markdown, location);
};

