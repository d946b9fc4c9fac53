// A small HTTP client for API tests: JSON bodies, a cookie jar, the CSRF header.
export class Client {
  constructor(base) {
    this.base = base; // ends with '/'
    this.cookies = new Map();
    this.csrf = null;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  // Returns {status, headers, body (parsed JSON when JSON, else text), raw}
  async request(method, path, { json, body, headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    if (json !== undefined) {
      h['content-type'] = 'application/json';
      body = JSON.stringify(json);
    }
    if (csrf && this.csrf && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = this.csrf;
    const res = await fetch(new URL(path.replace(/^\//, ''), this.base), { method, headers: h, body, redirect: 'manual' });
    this.remember(res);
    const raw = await res.text();
    let parsed = raw;
    if ((res.headers.get('content-type') || '').includes('application/json') && raw) parsed = JSON.parse(raw);
    return { status: res.status, headers: res.headers, body: parsed, raw };
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, json, opts = {}) { return this.request('POST', path, { ...opts, json }); }
  put(path, json, opts = {}) { return this.request('PUT', path, { ...opts, json }); }
  del(path, opts) { return this.request('DELETE', path, opts); }
}
