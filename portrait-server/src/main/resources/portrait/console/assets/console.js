// Shared by every console page: the session (role and CSRF token), the navigation, calls to the
// console's data routes, loading/error states and charts. The API key never reaches this code: the
// session cookie is HttpOnly, and what the page knows is its role and its CSRF token.

const PAGES = [
  ['overview', 'Overview'],
  ['profile', 'Profile'],
  ['segments', 'Segments & audiences'],
  ['quarantine', 'Quarantine', 'admin'],
  ['models', 'Models'],
  ['api', 'API docs'],
];

let current = null;

/** The session ({role, csrf}); sends the browser to the sign-in page when there is none. */
export async function session() {
  if (current) return current;
  const res = await fetch('/console/data/session', { credentials: 'same-origin' });
  if (res.status === 401) {
    location.assign('/console/signin');
    throw new Error('signed out');
  }
  if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
  current = await res.json();
  return current;
}

/** Thrown for an answer in the API's error shape. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error && error.message ? error.message : `HTTP ${status}`);
    this.status = status;
    this.code = error && error.code;
  }
}

/**
 * Calls an API route through the console: `data('/v1/segments')` reads /console/data/v1/segments with
 * the session. Bodies are JSON; a state-changing call carries the CSRF token.
 */
export async function data(path, { method = 'GET', body, raw = false } = {}) {
  const s = await session();
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') headers['X-Portrait-Csrf'] = s.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch('/console/data' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    location.assign('/console/signin');
    throw new ApiError(401, { message: 'the session ended: sign in again' });
  }
  if (!res.ok) {
    let error = null;
    try { error = (await res.json()).error; } catch (e) { /* not our shape */ }
    throw new ApiError(res.status, error);
  }
  return raw ? res : res.json();
}

/** Draws the navigation for this page and the role; admin-only pages are left out for a read session. */
export async function start(page, title) {
  const s = await session();
  document.title = `Portrait console · ${title}`;
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  const brand = document.createElement('span');
  brand.className = 'brand';
  brand.textContent = 'Portrait';
  nav.append(brand);
  for (const [name, label, needs] of PAGES) {
    if (needs === 'admin' && s.role !== 'admin') continue;
    const a = document.createElement('a');
    a.href = '/console/' + name;
    a.textContent = label;
    a.id = 'nav-' + name;
    if (name === page) a.setAttribute('aria-current', 'page');
    nav.append(a);
  }
  const role = document.createElement('span');
  role.className = 'role';
  role.id = 'role';
  role.textContent = s.role === 'admin' ? 'signed in with an admin key' : 'signed in with a read key';
  const out = document.createElement('button');
  out.className = 'secondary';
  out.id = 'signout';
  out.textContent = 'Sign out';
  out.addEventListener('click', async () => {
    await fetch('/console/signout', { method: 'POST', credentials: 'same-origin',
      headers: { 'X-Portrait-Csrf': s.csrf } }).catch(() => null);
    location.assign('/console/signin');
  });
  nav.append(role, out);
  return s;
}

/** Shows a loading, error or empty state in a status element (announced to screen readers). */
export function status(el, text, isError = false) {
  el.textContent = text || '';
  el.classList.toggle('error', isError);
  el.setAttribute('role', isError ? 'alert' : 'status');
}

/** Runs `work`, showing "loading" and then either nothing or the error in `el`. */
export async function loading(el, work, what = 'Loading…') {
  status(el, what);
  try {
    const result = await work();
    status(el, '');
    return result;
  } catch (e) {
    status(el, e.message || String(e), true);
    return undefined;
  }
}

/** An ECharts instance on `el` that follows the window's size. */
export function chart(el) {
  const c = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: 'canvas' });
  window.addEventListener('resize', () => c.resize());
  return c;
}

/** Creates an element with text and attributes. */
export function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** A table from a header and rows of cells (strings, numbers or elements). */
export function table(headers, rows, numeric = []) {
  const t = el('table');
  const head = el('tr');
  headers.forEach((h, i) => head.append(el('th', h, numeric.includes(i) ? { class: 'num', scope: 'col' } : { scope: 'col' })));
  t.append(el('thead'));
  t.tHead.append(head);
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.forEach((cell, i) => {
      const td = el('td', null, numeric.includes(i) ? { class: 'num' } : {});
      if (cell instanceof Node) td.append(cell); else td.textContent = cell === null || cell === undefined ? '' : String(cell);
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(body);
  return t;
}

/** A number for people: 1,234 or 0.123. */
export function num(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  return Number.isInteger(v) ? v.toLocaleString('en') : v.toLocaleString('en', { maximumFractionDigits: digits });
}
