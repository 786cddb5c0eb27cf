// SVG as a string, so charts render the same in Node (the CLI writes files) and in the page (no DOM needed).

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

type Attributes = Readonly<Record<string, string | number | undefined>>;

const attributes = (attrs: Attributes) =>
  Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escape(typeof v === 'number' ? String(Math.round(v * 100) / 100) : v!)}"`)
    .join('');

export function tag(name: string, attrs: Attributes, ...children: readonly string[]): string {
  return children.length
    ? `<${name}${attributes(attrs)}>${children.join('')}</${name}>`
    : `<${name}${attributes(attrs)}/>`;
}

export const text = (content: string, attrs: Attributes) => tag('text', attrs, escape(content));

export function svgDocument(width: number, height: number, title: string, ...children: readonly string[]): string {
  return tag(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': 'system-ui, sans-serif',
      'font-size': 11,
      role: 'img',
      'aria-label': title,
    },
    tag('title', {}, escape(title)),
    tag('rect', { width, height, fill: '#ffffff' }),
    ...children,
  );
}
