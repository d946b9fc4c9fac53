// A PSQL tool session driven as the web app drives it: opened by POST,
// its output read from GET /api/v1/psql/{sid}/events (SSE, base64 bytes
// with their offsets), keystrokes sent by POST.
import assert from 'node:assert/strict';

export class Terminal {
  constructor(c, sid) {
    this.c = c;
    this.sid = sid;
    this.text = '';
    this.offset = 0;
    this.exitCode = null;
    this.closed = null;
    this.abort = new AbortController();
    this.done = this.read(0);
  }

  /** Opens psql on serverId's database; asserts 201. */
  static async open(c, serverId, database = 'postgres', size = { cols: 200, rows: 50 }) {
    const res = await c.post(`api/v1/servers/${serverId}/psql`, { database, ...size });
    assert.equal(res.status, 201, res.raw);
    return new Terminal(c, res.body.session_id);
  }

  async read(from) {
    const res = await fetch(new URL(`api/v1/psql/${this.sid}/events?offset=${from}`, this.c.base), {
      headers: { cookie: this.c.cookieHeader() },
      signal: this.abort.signal,
    }).catch(() => null);
    if (!res) return;
    this.status = res.status;
    if (res.status !== 200) {
      this.closed = { status: res.status, body: await res.text() };
      return;
    }
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          this.event(buf.slice(0, end));
          buf = buf.slice(end + 2);
        }
      }
    } catch {
      // aborted
    }
  }

  event(block) {
    const name = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (!name || !data) return;
    const d = JSON.parse(data);
    if (name === 'output') {
      this.text += Buffer.from(d.data, 'base64').toString('utf8');
      this.offset = d.end;
    } else if (name === 'exit') this.exitCode = d.code;
    else if (name === 'closed') this.closed = d;
  }

  async type(text) {
    return this.c.post(`api/v1/psql/${this.sid}/input`, { data: text });
  }

  /** Types a line and waits until the output (from now on) matches re. */
  async run(line, re, ms = 20000) {
    const from = this.text.length;
    const res = await this.type(`${line}\n`);
    assert.equal(res.status, 204, res.raw);
    return this.waitFor(re, ms, from);
  }

  /** The output since index from once it matches re (fails after ms). */
  async waitFor(re, ms = 20000, from = 0) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const seen = this.text.slice(from);
      if (re.test(seen)) return seen;
      if (this.closed) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`the terminal never showed ${re}; it showed:\n${this.text.slice(from).slice(-2000)}`);
  }

  async until(check, what, ms = 20000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  stop() {
    this.abort.abort();
  }

  async close() {
    this.stop();
    return this.c.del(`api/v1/psql/${this.sid}`);
  }
}
