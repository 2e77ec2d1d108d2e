// Builds DOM nodes from data. Text always goes in as text nodes, never as HTML, so nothing a tenant, model or
// upstream name contains can become markup. Styles are set through the CSSOM (el.style), which the page's
// Content-Security-Policy allows, never as inline style attributes, which it forbids.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, props) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) {
      continue;
    }
    if (name === 'class') {
      el.setAttribute('class', value);
    } else if (name === 'style') {
      Object.assign(el.style, value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h('td', {class: 'num'}, '42'). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

/** An SVG element (for the small charts). */
export function svg(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  append(el, children);
  return el;
}

/** Replaces everything inside el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** A table from column definitions: {label, cell(row) -> node|text, num?: true, title?(row)}. */
export function table(columns, rows, options = {}) {
  const head = h('thead', null, h('tr', null, columns.map((c) =>
    h('th', {class: c.num ? 'num' : null, scope: 'col', title: c.hint ?? null}, c.label))));
  const body = h('tbody', null, rows.map((row) =>
    h('tr', {class: options.rowClass ? options.rowClass(row) : null, dataset: options.rowData?.(row)},
      columns.map((c) => h('td', {class: c.num ? 'num' : c.className ?? null, title: c.title ? c.title(row) : null},
        c.cell(row))))));
  const foot = options.footer
    ? h('tfoot', null, h('tr', null, columns.map((c, i) =>
      h('td', {class: c.num ? 'num' : null}, options.footer(c, i) ?? ''))))
    : null;
  return h('div', {class: 'table-wrap'}, h('table', {class: 'data'}, head, body, foot));
}

/** What a section shows when there is nothing yet: a title and one line on how data gets there. */
export function empty(title, hint) {
  return h('div', {class: 'empty'}, h('div', {class: 'empty-title'}, title), hint ? h('div', {class: 'empty-hint'}, hint) : null);
}

/** What a section shows when its data could not be read. */
export function failure(message) {
  return h('div', {class: 'section-error', role: 'alert'}, message);
}

/** A small coloured label: kind is ok, warn, bad, info or muted. */
export function pill(text, kind = 'muted', title) {
  return h('span', {class: `pill pill-${kind}`, title: title ?? null}, text);
}

/** A horizontal bar for a share 0..1 of the largest value. */
export function bar(share, kind = 'accent') {
  const pct = Math.max(0, Math.min(1, share)) * 100;
  return h('div', {class: 'bar', role: 'presentation'},
    h('div', {class: `bar-fill bar-${kind}`, style: {width: `${pct.toFixed(1)}%`}}));
}
