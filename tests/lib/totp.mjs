// A tiny TOTP (RFC 6238: HMAC-SHA-1, 30 s, 6 digits) for tests that play the authenticator app.
import { createHmac } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const out = [];
  let buf = 0, bits = 0;
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    buf = (buf << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((buf >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

// The code for the step `offset` steps from now.
export function totp(secretB32, offset = 0, now = Date.now() / 1000) {
  return hotp(base32Decode(secretB32), Math.floor(now / 30) + offset);
}

// Waits while the current step is about to end, so a code computed now is still in the
// server's window (±1 step) when it arrives.
export async function steadyStep() {
  for (let i = 0; i < 5 && (Date.now() / 1000) % 30 > 26; i++) await new Promise((r) => setTimeout(r, 1000));
}
