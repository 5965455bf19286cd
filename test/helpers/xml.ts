/**
 * A strict little XML reader for checking generated SVG: balanced tags, one root, well-formed
 * attributes (quoted, not repeated, no raw < or stray &), and text without raw markup. Throws
 * on anything a browser's XML parser would reject among these.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

const NAME = '[A-Za-z_][-A-Za-z0-9_.:]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function checkText(text: string, where: string): string {
  if (text.replace(ENTITY, '').includes('&')) throw new Error(`stray & in ${where}`);
  return text.replace(ENTITY, (e) => {
    if (e.startsWith('&#x')) return String.fromCodePoint(parseInt(e.slice(3, -1), 16));
    if (e.startsWith('&#')) return String.fromCodePoint(Number(e.slice(2, -1)));
    return ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" })[e] ?? e;
  });
}

function parseAttrs(source: string, tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = new RegExp(`\\s+(${NAME})="([^"<]*)"`, 'y');
  let at = 0;
  while (at < source.length) {
    re.lastIndex = at;
    const m = re.exec(source);
    if (!m) {
      if (/^\s*$/.test(source.slice(at))) break;
      throw new Error(`malformed attributes in <${tag}>: ${source.slice(at)}`);
    }
    const [, name, value] = m as unknown as [string, string, string];
    if (name in attrs) throw new Error(`attribute ${name} repeated in <${tag}>`);
    attrs[name] = checkText(value, `${tag}@${name}`);
    at = re.lastIndex;
  }
  return attrs;
}

export function parseXml(source: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>`, 'y');
  let at = 0;
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const text = source.slice(at, lt === -1 ? source.length : lt);
    if (text.length > 0) {
      if (stack.length === 0) {
        if (text.trim()) throw new Error('text outside the root element');
      } else (stack[stack.length - 1] as XmlElement).children.push(checkText(text, 'text'));
      if (text.includes('>') && stack.length === 0) throw new Error('stray >');
    }
    if (lt === -1) break;
    if (source.startsWith('<?xml', lt) || source.startsWith('<!--', lt)) {
      const end = source.indexOf(source.startsWith('<?', lt) ? '?>' : '-->', lt);
      if (end === -1) throw new Error('unterminated declaration or comment');
      at = end + (source.startsWith('<?', lt) ? 2 : 3);
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(source);
    if (!m) throw new Error(`malformed tag at ${lt}: ${source.slice(lt, lt + 40)}`);
    const [, closing, name, attrSource, selfClosing] = m as unknown as [string, string, string, string, string];
    at = tag.lastIndex;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> does not close <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const element: XmlElement = { name, attrs: parseAttrs(attrSource, name), children: [] };
    if (stack.length > 0) (stack[stack.length - 1] as XmlElement).children.push(element);
    else if (root) throw new Error('more than one root element');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]?.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name`, depth first. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    if (el.name === name) found.push(el);
    for (const child of el.children) if (typeof child !== 'string') walk(child);
  };
  walk(root);
  return found;
}

export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
