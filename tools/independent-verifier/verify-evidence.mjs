#!/usr/bin/env node
// An independent verifier for AuditPortal evidence documents — bundles (formats 2 and 1), inclusion proofs and consistency
// proofs — written from docs/ledger-format.md alone (it shares no code with the C# implementation).
// Node's standard library only.
// Usage: node verify-evidence.mjs FILE.json [--public-key PEM_FILE]
// Exit (§8.6): 0 intact, 1 findings, 2 nothing checked.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const sha256 = (...parts) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };
const hex = (b) => Buffer.from(b).toString('hex');
const ZERO = '0'.repeat(64);
const EMPTY_ROOT = hex(sha256(Buffer.alloc(0)));
const MAX_INTEGER = 2 ** 53 - 1;
const FORMATS = {
  bundle2: 'auditportal-evidence/v2',
  bundle: 'auditportal-evidence/v1',
  inclusion: 'auditportal-inclusion-proof/v1',
  consistency: 'auditportal-consistency-proof/v1',
  set: 'auditportal-evidence-set/v1',
};

// A document that breaks a rule of §1.1 (or has the wrong members, §8): rejected as a whole.
class Rejected extends Error {
  constructor(rule, path, got, want) { super(`${path}: got ${got}, want ${want}`); Object.assign(this, { rule, path, got, want }); }
}
// Nothing can be checked (§8.6, exit 2).
class Unreadable extends Error {}

// ---- §1.1: a JSON parser of its own. JSON.parse keeps the last of two equal member names; this one
// rejects the document instead, compares names after unescaping, and applies the number and string rules.
function parseStrict(text, { signedIntegers = false } = {}) {
  let i = 0;
  const path = [];
  const where = () => '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  const syntax = (what) => { throw new Rejected('json', where(), `${what} at offset ${i}`, 'JSON (RFC 8259)'); };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const expect = (c) => { if (text[i] !== c) syntax(`'${text[i] ?? 'end of text'}'`); i++; };

  function string() {
    expect('"');
    let out = '';
    for (;;) {
      if (i >= text.length) syntax('an unterminated string');
      const c = text[i++];
      if (c === '"') break;
      if (c < ' ') syntax('a control character in a string');
      if (c !== '\\') { out += c; continue; }
      const e = text[i++];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
      if (simple !== undefined) { out += simple; continue; }
      if (e !== 'u' || !/^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) syntax('a bad escape');
      out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
      i += 4;
    }
    for (let k = 0; k < out.length; k++) {
      const u = out.charCodeAt(k);
      const high = u >= 0xd800 && u <= 0xdbff, low = u >= 0xdc00 && u <= 0xdfff;
      const next = out.charCodeAt(k + 1);
      if (high && next >= 0xdc00 && next <= 0xdfff) { k++; continue; }
      if (high || low) throw new Rejected('lone_surrogate', where(), 'a string with a lone surrogate', 'Unicode text (I-JSON)');
    }
    return out;
  }

  function number() {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m) syntax('a bad number');
    i += m[0].length;
    const ok = signedIntegers ? /^-?(0|[1-9][0-9]*)$/.test(m[0]) && m[0] !== '-0' : /^(0|[1-9][0-9]*)$/.test(m[0]);
    const n = Number(m[0]);
    if (!ok || Math.abs(n) > MAX_INTEGER) {
      throw new Rejected('integer', where(), `the number ${m[0]}`,
        signedIntegers ? 'an integer within ±(2^53 - 1)' : 'an integer in [0, 2^53 - 1] written as plain decimal digits');
    }
    return n;
  }

  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = Object.create(null);
      const seen = new Set();
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        const name = string();
        path.push(name);
        if (seen.has(name)) throw new Rejected('duplicate_member', where(), `the member "${name}" twice`, 'every member name once per object');
        seen.add(name);
        ws(); expect(':');
        obj[name] = value();
        path.pop();
        ws();
        if (text[i] === ',') { i++; continue; }
        expect('}');
        return obj;
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        path.push(arr.length);
        arr.push(value());
        path.pop();
        ws();
        if (text[i] === ',') { i++; continue; }
        expect(']');
        return arr;
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    return number();
  }

  const v = value();
  ws();
  if (i !== text.length) syntax('content after the JSON value');
  return v;
}

function readDocument(bytes) {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw new Rejected('json', '$', 'a byte order mark', 'UTF-8 JSON without one');
  let text;
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { throw new Rejected('json', '$', 'bytes that are not UTF-8', 'UTF-8 JSON'); }
  return parseStrict(text);
}

// ---- §8.1–§8.3 and §8.7: exactly these members, of these types.
const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'integer' : typeof v);
function members(obj, path, schema) {
  if (kind(obj) !== 'object') throw new Rejected('member', path, kind(obj), 'an object');
  for (const name of Object.keys(obj)) {
    if (!(name in schema)) throw new Rejected('unknown_member', `${path}.${name}`, 'a member the format does not define', 'only the members of §8');
  }
  for (const [name, type] of Object.entries(schema)) {
    if (!(name in obj)) throw new Rejected('member', path, `no member "${name}"`, 'every member the format defines');
    const v = obj[name];
    const [base, nullable] = type.endsWith('?') ? [type.slice(0, -1), true] : [type, false];
    if (v === null && nullable) continue;
    if (base.startsWith('string[]')) {
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new Rejected('member', `${path}.${name}`, kind(v), 'an array of strings');
    } else if (kind(v) !== base) {
      throw new Rejected('member', `${path}.${name}`, kind(v), base);
    }
  }
}
const CHECKPOINT = { text: 'string', signature: 'string' };
const HEAD_ENTRY = { index: 'integer', stream_type: 'string', stream_id: 'string', stream_seq: 'integer', leaf_hash: 'string', proof: 'string[]' };
function checkShape(doc, format) {
  if (format === FORMATS.set) {
    // §8.8: the set's members, then each bundle's as a format 2 bundle (its paths under $.bundles[i])
    members(doc, '$', { format: 'string', exported_at: 'string', exported_by: 'string?', scope: 'object', bundles: 'array' });
    members(doc.scope, '$.scope', { kind: 'string', case: 'string?', output: 'string?' });
    doc.bundles.forEach((b, i) => {
      try { checkShape(b, FORMATS.bundle2); } catch (e) {
        if (e instanceof Rejected) e.path = `$.bundles[${i}]` + e.path.slice(1);
        throw e;
      }
    });
    return;
  }
  if (format === FORMATS.bundle || format === FORMATS.bundle2) {
    const v2 = format === FORMATS.bundle2;
    members(doc, '$', { format: 'string', exported_at: 'string', exported_by: 'string?', stream: 'object', events: 'array', checkpoint: 'object', public_key: 'string', key_id: 'string',
      ...(v2 ? { vkeys: 'string[]', stream_head: 'object' } : {}) });
    members(doc.stream, '$.stream', { type: 'string', id: 'string', complete: 'boolean' });
    doc.events.forEach((e, k) => members(e, `$.events[${k}]`, { seq: 'integer', leaf_index: 'integer', canonical: 'string', leaf_hash: 'string', inclusion_proof: 'string[]' }));
    members(doc.checkpoint, '$.checkpoint', v2 ? { note: 'string' } : CHECKPOINT);
    if (v2) {
      members(doc.stream_head, '$.stream_head', { count: 'integer', head: 'object?', left: 'object?', right: 'object?' });
      for (const n of ['head', 'left', 'right']) if (doc.stream_head[n] !== null) members(doc.stream_head[n], `$.stream_head.${n}`, HEAD_ENTRY);
    }
  } else if (format === FORMATS.inclusion) {
    members(doc, '$', { format: 'string', seq: 'integer', leaf_index: 'integer', tree_size: 'integer', canonical: 'string', leaf_hash: 'string', proof: 'string[]', root_hash: 'string', checkpoint: 'object?', public_key: 'string', key_id: 'string' });
    if (doc.checkpoint !== null) members(doc.checkpoint, '$.checkpoint', CHECKPOINT);
  } else {
    members(doc, '$', { format: 'string', size1: 'integer', size2: 'integer', root1: 'string', root2: 'string', proof: 'string[]', checkpoint1: 'object?', checkpoint2: 'object?', public_key: 'string', key_id: 'string' });
    for (const n of ['checkpoint1', 'checkpoint2']) if (doc[n] !== null) members(doc[n], `$.${n}`, CHECKPOINT);
  }
}

// ---- §1 values
const isHex64 = (s) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
const isUuid = (s) => typeof s === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s);
function isTimestamp(s) {
  const m = typeof s === 'string' && /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.\d{6}Z$/.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && se < 60;
}
// Strict base64 (§1): alphabet, length a multiple of 4, padding at the end only, canonical.
function strictBase64(s) {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : null;
}

// ---- RFC 8785: JSON.stringify already writes strings and numbers the JCS way; only member order differs.
function jcs(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(jcs).join(',') + ']';
  const keys = Object.keys(value).sort(); // default sort compares UTF-16 code units, as RFC 8785 requires
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + jcs(value[k])).join(',') + '}';
}

// ---- RFC 9162 §2.1.3.2
function rootFromInclusionProof(index, size, leafHash, proof) {
  if (index >= size) throw new Error(`index ${index} is beyond tree size ${size}`);
  let fn = index, sn = size - 1n, r = leafHash;
  for (const p of proof) {
    if (sn === 0n) throw new Error('proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('proof is shorter than the path');
  return r;
}

// ---- RFC 9162 §2.1.4.2, with §8.3's cases for size 0 and equal sizes
function verifyConsistency(size1, size2, proof, root1, root2) {
  if (size1 > size2) throw new Error(`size1 ${size1} is beyond size2 ${size2}`);
  if (size1 === 0n) {
    if (proof.length !== 0) throw new Error('a proof from size 0 is empty');
    if (!root1.equals(sha256(Buffer.alloc(0)))) throw new Error('root1 of size 0 is SHA-256 of nothing');
    return;
  }
  if (size1 === size2) {
    if (proof.length !== 0) throw new Error('a proof between equal sizes is empty');
    if (!root1.equals(root2)) throw new Error('equal sizes with different roots');
    return;
  }
  if (proof.length === 0) throw new Error('empty proof');
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = size1 - 1n, sn = size2 - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new Error('proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = sha256(Buffer.from([1]), c, fr);
      sr = sha256(Buffer.from([1]), c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = sha256(Buffer.from([1]), sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('proof is shorter than the path');
  if (!fr.equals(root1)) throw new Error(`calculated root1 ${hex(fr)}`);
  if (!sr.equals(root2)) throw new Error(`calculated root2 ${hex(sr)}`);
}

// ---- §5.4 and §5.5: version 1 checkpoint text
const ORIGIN = /^(ledger|access-log)\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
function parseCheckpoint(text) {
  const m = /^auditportal-checkpoint\/v1\norigin ([^\n]*)\nsize (0|[1-9][0-9]*)\nroot ([0-9a-f]{64})\ntime ([^\n]*)\n$/.exec(text);
  if (!m) throw new Error('checkpoint text is not in the form of §5');
  if (!ORIGIN.test(m[1])) throw new Error(`origin '${m[1]}' does not follow §5.5`);
  if (!isTimestamp(m[4])) throw new Error(`time '${m[4]}' is not a timestamp`);
  return { origin: m[1], log: m[1].split('/')[0], size: BigInt(m[2]), root: Buffer.from(m[3], 'hex') };
}

// ---- §5.1: a format 2 checkpoint, C2SP tlog-checkpoint text with two extension lines
function parseCheckpointV2(text) {
  const b64 = '([A-Za-z0-9+/]{43}=)';
  const m = new RegExp(`^([^\\n]*)\n(0|[1-9][0-9]*)\n${b64}\nstream-heads (0|[1-9][0-9]*) ${b64}\ntime ([^\\n]*)\n$`).exec(text);
  if (!m) throw new Error('checkpoint text is not in the form of §5.1');
  if (!ORIGIN.test(m[1])) throw new Error(`origin '${m[1]}' does not follow §5.5`);
  const root = strictBase64(m[3]), headsRoot = strictBase64(m[5]);
  if (!root || !headsRoot) throw new Error('a root is not strict base64 of 32 bytes');
  if (!isTimestamp(m[6])) throw new Error(`time '${m[6]}' is not a timestamp`);
  return { origin: m[1], log: m[1].split('/')[0], size: BigInt(m[2]), root, headsCount: BigInt(m[4]), headsRoot };
}

// §5.2: a C2SP signed note: the text, an empty line, lines "— <name> <base64(key id ‖ signature)>".
function parseNote(note) {
  if (/[\x00-\x09\x0b-\x1f]/.test(note)) throw new Error('control character in the note');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('no signature block');
  const text = note.slice(0, split + 1);
  const sigs = note.slice(split + 2, -1).split('\n').map((line) => {
    const m = /^\u2014 ([^\s+]+) ([^ ]+)$/.exec(line);
    if (!m) throw new Error(`bad signature line '${line}'`);
    const blob = strictBase64(m[2]);
    if (!blob || blob.length < 5) throw new Error('signature is not strict base64 of key id and signature');
    return { name: m[1], keyId: blob.subarray(0, 4).toString('hex'), sig: blob.subarray(4) };
  });
  return { text, sigs };
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// §5.2: vkey = <name>+<hex key id>+<base64(type ‖ key)>; key ids as signed-note defines them.
function parseVkey(vkey) {
  const first = vkey.indexOf('+'), second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new Error('not <name>+<id>+<key>');
  const name = vkey.slice(0, first), id = vkey.slice(first + 1, second), blob = strictBase64(vkey.slice(second + 1));
  if (!/^[0-9a-f]{8}$/.test(id) || !blob || blob.length < 2) throw new Error('malformed vkey');
  const type = blob[0], keyBytes = blob.subarray(1);
  let derived, key;
  if (type === 0x01 && keyBytes.length === 32) {
    derived = sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), keyBytes).subarray(0, 4).toString('hex');
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, keyBytes]), format: 'der', type: 'spki' });
  } else if (type === 0x02) {
    derived = sha256(keyBytes).subarray(0, 4).toString('hex');
    key = createPublicKey({ key: keyBytes, format: 'der', type: 'spki' });
  } else throw new Error(`unknown signature type ${type}`);
  if (derived !== id) throw new Error(`key id ${id} is not the key's id ${derived}`);
  return { name, id, type, keyBytes, key };
}

const noteVerifies = (vk, text, sig) => {
  try {
    return vk.type === 0x01
      ? verify(null, Buffer.from(text, 'utf8'), vk.key, sig)
      : verify('sha256', Buffer.from(text, 'utf8'), { key: vk.key, dsaEncoding: 'der' }, sig);
  } catch { return false; }
};

// §4.1: head leaf = 0x00 ‖ u32(len T) ‖ T ‖ u32(len I) ‖ I ‖ u64(n) ‖ h; keys ordered by T then I as UTF-8 bytes.
function headLeafHash(e) {
  const t = Buffer.from(e.stream_type, 'utf8'), i = Buffer.from(e.stream_id, 'utf8');
  const n = Buffer.alloc(8); n.writeBigUInt64BE(BigInt(e.stream_seq));
  const len = (b) => { const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return l; };
  if (!isHex64(e.leaf_hash) || !(e.stream_seq >= 1) || e.proof.some((h) => !isHex64(h))) throw new Error('malformed head entry');
  return sha256(Buffer.from([0]), len(t), t, len(i), i, n, Buffer.from(e.leaf_hash, 'hex'));
}
const compareKeys = (a, b) => Buffer.compare(Buffer.from(a.type, 'utf8'), Buffer.from(b.type, 'utf8')) || Buffer.compare(Buffer.from(a.id, 'utf8'), Buffer.from(b.id, 'utf8'));

// §8.7: the stream-head proof. Returns the proven head entry, or null (absence, or failure).
function checkStreamHead(sh, stream, cp, fail) {
  const at = '$.stream_head';
  if (BigInt(sh.count) !== cp.headsCount) { fail('stream_head', null, `${at}.count`, cp.headsCount, sh.count); return null; }
  const entryOk = (e, name) => {
    try {
      const root = rootFromInclusionProof(BigInt(e.index), BigInt(sh.count), headLeafHash(e), e.proof.map((h) => Buffer.from(h, 'hex')));
      if (!root.equals(cp.headsRoot)) { fail('stream_head', null, `${at}.${name}`, hex(cp.headsRoot), hex(root)); return false; }
      return true;
    } catch (err) { fail('stream_head', null, `${at}.${name}`, 'valid head entry', err.message); return false; }
  };
  if (sh.head) {
    if (sh.left || sh.right) fail('stream_head', null, at, 'no neighbours', 'neighbours');
    if (!entryOk(sh.head, 'head')) return null;
    if (sh.head.stream_type !== stream.type || sh.head.stream_id !== stream.id) { fail('stream_head', null, `${at}.head`, `${stream.type}/${stream.id}`, `${sh.head.stream_type}/${sh.head.stream_id}`); return null; }
    return sh.head;
  }
  if ((sh.left && !entryOk(sh.left, 'left')) || (sh.right && !entryOk(sh.right, 'right'))) return null;
  const li = sh.left ? BigInt(sh.left.index) : -1n, ri = sh.right ? BigInt(sh.right.index) : BigInt(sh.count);
  if (ri !== li + 1n) fail('stream_head', null, at, 'adjacent neighbours', `${li}, ${ri}`);
  if (sh.left && compareKeys({ type: sh.left.stream_type, id: sh.left.stream_id }, stream) >= 0) fail('stream_head', null, `${at}.left`, 'left < stream', 'not before');
  if (sh.right && compareKeys(stream, { type: sh.right.stream_type, id: sh.right.stream_id }) >= 0) fail('stream_head', null, `${at}.right`, 'stream < right', 'not after');
  return null;
}

// ---- §8.5: the key's one PEM text and DER form
function readKey(pem) {
  const m = /^-----BEGIN PUBLIC KEY-----\n((?:[A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n)-----END PUBLIC KEY-----$/.exec(pem);
  if (!m) throw new Error('not the PEM text of §8.5');
  const lines = m[1].split('\n').filter((l) => l.length > 0);
  if (lines.slice(0, -1).some((l) => l.length !== 64)) throw new Error('PEM lines are 64 characters');
  const der = strictBase64(lines.join(''));
  if (!der) throw new Error('PEM base64 is not strict');
  const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not a P-256 key');
  if (!key.export({ type: 'spki', format: 'der' }).equals(der)) throw new Error('the DER is not the one form of the key');
  return { key, der };
}

function main(argv) {
  const file = argv[0];
  const keyIdx = argv.indexOf('--public-key');
  if (!file || file.startsWith('--') || (keyIdx >= 0 && !argv[keyIdx + 1])) { console.error('usage: verify-evidence.mjs FILE.json [--public-key PEM]'); return 2; }
  let bytes, trusted = null;
  try {
    bytes = readFileSync(file);
    if (keyIdx >= 0) trusted = createPublicKey(readFileSync(argv[keyIdx + 1], 'utf8')).export({ type: 'spki', format: 'der' });
  } catch (e) { console.error(`cannot read: ${e.message}`); return 2; }

  const findings = [];
  const fail = (check, seq, at, expected, actual) => findings.push({ check, seq, at, expected, actual });
  let doc, format;
  // (the shape of an evidence set's bundles is checked with the set's, §8.8)
  try {
    doc = readDocument(bytes);
    if (kind(doc) !== 'object') throw new Unreadable('the top level is not a JSON object');
    format = doc.format;
    if (!Object.values(FORMATS).includes(format)) throw new Unreadable(`unknown format ${JSON.stringify(format ?? null)}`);
    checkShape(doc, format);
  } catch (e) {
    if (e instanceof Unreadable || (e instanceof Rejected && e.rule === 'json')) { console.error(`nothing checked: ${e.message}`); return 2; }
    if (!(e instanceof Rejected)) throw e;
    fail(e.rule, null, e.path, e.want, e.got);
    return report(findings, null);
  }
  const result = format === FORMATS.set ? verifySet(doc, trusted, findings) : verifyParsed(doc, format, trusted, findings);
  return report(findings, result);
}

// §8.8: an evidence set — every bundle by all the rules of §8.7 (its findings under $.bundles[i]), one checkpoint and one
// key for all, no stream twice; for a lineage closure the output and every derived event's inputs among the events.
function verifySet(doc, trusted, findings) {
  const fail = (check, seq, at, expected, actual) => findings.push({ check, seq, at, expected, actual });
  if (!isTimestamp(doc.exported_at)) fail('timestamp', null, '$.exported_at', 'YYYY-MM-DDTHH:MM:SS.ffffffZ', doc.exported_at);
  if (doc.bundles.length === 0) { fail('evidence_set', null, '$.bundles', 'at least one bundle', 'none'); return { checked: 0, size: null, root: null }; }
  let first = null, checked = 0;
  const streams = new Set();
  doc.bundles.forEach((b, i) => {
    const at = `$.bundles[${i}]`;
    const own = [];
    if (b.format !== FORMATS.bundle2) own.push({ check: 'format', seq: null, at: '$.format', expected: FORMATS.bundle2, actual: b.format });
    const r = verifyParsed(b, FORMATS.bundle2, trusted, own);
    for (const f of own) findings.push({ ...f, at: at + (f.at ?? '$').slice(1) });
    first ??= r;
    checked += r.checked;
    const key = JSON.stringify([b.stream.type, b.stream.id]);
    if (streams.has(key)) fail('evidence_set', null, `${at}.stream`, 'each stream in one bundle', `${b.stream.type}/${b.stream.id} again`);
    streams.add(key);
    if (i > 0 && b.checkpoint.note !== doc.bundles[0].checkpoint.note) fail('evidence_set', null, `${at}.checkpoint.note`, 'the note of bundles[0]', 'another note');
    if (i > 0 && b.public_key !== doc.bundles[0].public_key) fail('evidence_set', null, `${at}.public_key`, 'the public_key of bundles[0]', 'another key');
  });
  const scope = doc.scope;
  if (scope.kind === 'starred') {
    if (scope.output !== null) fail('evidence_set', null, '$.scope.output', 'null', scope.output);
  } else if (scope.kind !== 'lineage') {
    fail('evidence_set', null, '$.scope.kind', 'starred or lineage', scope.kind);
  } else {
    const ids = new Set(), derived = [];
    doc.bundles.forEach((b, i) => b.events.forEach((e, k) => {
      let r;
      try { r = parseStrict(e.canonical, { signedIntegers: true }); } catch { return; } // a finding of its bundle already
      if (kind(r) !== 'object') return;
      if (typeof r.event_id === 'string') ids.add(r.event_id);
      if (kind(r.lineage) === 'object' && Array.isArray(r.lineage.inputs)) derived.push({ at: `$.bundles[${i}].events[${k}].canonical/lineage.inputs`, seq: e.seq, inputs: r.lineage.inputs });
    }));
    if (scope.output === null || !ids.has(scope.output)) fail('lineage_closure', null, '$.scope.output', `the output ${scope.output} among the events`, 'absent');
    for (const d of derived) for (const input of d.inputs) if (!ids.has(input)) fail('lineage_closure', d.seq, d.at, `input ${input} among the events`, 'absent');
  }
  return { checked, size: first.size, root: first.root };
}

// §8.4–§8.7: one parsed document of the four formats; its findings into `findings`.
function verifyParsed(doc, format, trusted, findings) {
  const fail = (check, seq, at, expected, actual) => findings.push({ check, seq, at, expected, actual });
  // §8.4 rule 2: the key
  let key = null, der = null;
  try {
    const read = readKey(doc.public_key);
    key = read.key; der = read.der;
    if (hex(sha256(read.der)) !== doc.key_id) fail('key_id', null, '$.key_id', hex(sha256(read.der)), doc.key_id);
    if (trusted && !trusted.equals(read.der)) { fail('trusted_key', null, '$.public_key', hex(sha256(trusted)), hex(sha256(read.der))); key = createPublicKey({ key: trusted, format: 'der', type: 'spki' }); der = trusted; }
  } catch (e) {
    fail('public_key', null, '$.public_key', 'the PEM of a P-256 key (§8.5)', e.message);
    if (trusted) { key = createPublicKey({ key: trusted, format: 'der', type: 'spki' }); der = trusted; }
  }

  // §8.4 rule 3: a signed checkpoint
  function checkpoint(signed, at) {
    let cp;
    // The text of either version (§5.4 starts with its header line, §5.1 with the origin).
    const parse = signed.text.startsWith('auditportal-checkpoint/v1\n') ? parseCheckpoint : parseCheckpointV2;
    try { cp = parse(signed.text); } catch (e) { fail('checkpoint', null, `${at}.text`, '§5 text', e.message); return null; }
    if (cp.log !== 'ledger') fail('origin', cp.size, `${at}.text`, 'ledger/<deployment>', cp.origin);
    const sig = strictBase64(signed.signature);
    if (!sig) { fail('base64', cp.size, `${at}.signature`, 'strict base64', signed.signature.slice(0, 80)); return cp; }
    let ok = false;
    try { ok = key !== null && verify('sha256', Buffer.from(signed.text, 'utf8'), { key, dsaEncoding: 'der' }, sig); } catch { ok = false; }
    if (!ok) fail('checkpoint_signature', cp.size, `${at}.signature`, 'valid', 'invalid');
    return cp;
  }
  // §8.7: a format 2 checkpoint — the signed note, its ECDSA line by the key, and every vkey
  function noteCheckpoint(signed, vkeys, at) {
    let note, cp;
    try { note = parseNote(signed.note); cp = parseCheckpointV2(note.text); } catch (e) { fail('checkpoint', null, `${at}.note`, '§5.2 signed note', e.message); return null; }
    if (cp.log !== 'ledger') fail('origin', cp.size, `${at}.note`, 'ledger/<deployment>', cp.origin);
    const ecdsaId = der ? sha256(der).subarray(0, 4).toString('hex') : null;
    const line = note.sigs.find((x) => x.name === cp.origin && x.keyId === ecdsaId);
    let ok = false;
    try { ok = !!line && verify('sha256', Buffer.from(note.text, 'utf8'), { key, dsaEncoding: 'der' }, line.sig); } catch { ok = false; }
    if (!ok) fail('checkpoint_signature', cp.size, `${at}.note`, 'valid ECDSA line', 'missing or invalid');
    let ecdsaListed = false;
    vkeys.forEach((text, n) => {
      const where = `$.vkeys[${n}]`;
      if (vkeys.indexOf(text) < n) fail('vkeys', null, where, 'each key once', 'repeated');
      let vk;
      try { vk = parseVkey(text); } catch (e) { fail('vkeys', null, where, 'C2SP vkey', e.message); return; }
      if (vk.name !== cp.origin) fail('vkeys', null, where, cp.origin, vk.name);
      if (vk.type === 0x02) { if (der && vk.keyBytes.equals(der)) ecdsaListed = true; else fail('vkeys', null, where, 'public_key', 'another ECDSA key'); }
      const sig = note.sigs.find((x) => x.name === vk.name && x.keyId === vk.id);
      if (!sig) fail('vkeys', cp.size, where, `a signature by ${vk.name}+${vk.id}`, 'none');
      else if (!noteVerifies(vk, note.text, sig.sig)) fail('checkpoint_signature', cp.size, where, `valid signature by ${vk.name}+${vk.id}`, 'invalid');
    });
    if (!ecdsaListed) fail('vkeys', null, '$.vkeys', 'the ECDSA vkey of public_key', 'absent');
    return cp;
  }
  function signedRoot(signed, at, size, root) {
    if (signed === null) { fail('checkpoint', size, at, `a signed checkpoint of size ${size}`, 'none'); return null; }
    const cp = checkpoint(signed, at);
    if (!cp) return null;
    if (cp.size !== BigInt(size)) fail('checkpoint', size, `${at}.text`, size, cp.size);
    if (root !== null && !cp.root.equals(root)) fail('checkpoint_root', size, `${at}.text`, hex(cp.root), hex(root));
    return cp;
  }
  const hash = (s, seq, at) => { if (isHex64(s)) return Buffer.from(s, 'hex'); fail('hex', seq, at, '64 lowercase hex characters', String(s).slice(0, 80)); return null; };
  const hashes = (list, seq, at) => { const out = list.map((s, k) => hash(s, seq, `${at}[${k}]`)); return out.includes(null) ? null : out; };

  // §8.4 rule 4: one event — canonical form, leaf hash, record rules, position, audit path; rule 5's prev_hash from the path
  function event(e, at, size, root, proofMember) {
    const leaf = sha256(Buffer.from([0]), Buffer.from(e.canonical, 'utf8'));
    const rec = recordRules(e.canonical, (rule, member, expected, actual) => fail(rule, e.seq, `${at}.canonical/${member}`, expected, actual));
    if (!rec.parsed || jcs(rec.parsed) !== e.canonical) fail('canonical', e.seq, `${at}.canonical`, 'RFC 8785 form', 'differs');
    if (hash(e.leaf_hash, e.seq, `${at}.leaf_hash`) && hex(leaf) !== e.leaf_hash) fail('leaf_hash', e.seq, `${at}.leaf_hash`, hex(leaf), e.leaf_hash);
    if ((rec.fields && rec.fields.seq !== e.seq) || e.leaf_index !== e.seq - 1) fail('leaf_index', e.seq, at, `seq ${rec.fields?.seq}, leaf_index ${e.seq - 1}`, `seq ${e.seq}, leaf_index ${e.leaf_index}`);
    const proof = hashes(e[proofMember], e.seq, `${at}.${proofMember}`);
    if (proof && root) {
      try {
        const r = rootFromInclusionProof(BigInt(e.leaf_index), BigInt(size), leaf, proof);
        if (!r.equals(root)) fail('inclusion_proof', e.seq, `${at}.${proofMember}`, hex(root), hex(r));
      } catch (err) { fail('inclusion_proof', e.seq, `${at}.${proofMember}`, 'valid proof', err.message); }
    }
    if (proof && rec.fields && e.leaf_index % 2 === 1 && proof.length > 0 && rec.fields.prev_hash !== hex(proof[0])) {
      fail('prev_hash', e.seq, `${at}.canonical/prev_hash`, hex(proof[0]), rec.fields.prev_hash);
    }
    return { leaf: hex(leaf), fields: rec.fields };
  }

  let size = null, root = null, checked = 0;
  if (format === FORMATS.bundle || format === FORMATS.bundle2) {
    const v2 = format === FORMATS.bundle2;
    if (!isTimestamp(doc.exported_at)) fail('timestamp', null, '$.exported_at', 'YYYY-MM-DDTHH:MM:SS.ffffffZ', doc.exported_at);
    const cp = v2 ? noteCheckpoint(doc.checkpoint, doc.vkeys, '$.checkpoint') : checkpoint(doc.checkpoint, '$.checkpoint');
    if (cp) {
      size = cp.size; root = cp.root;
      let prev = null, maxStreamSeq = 0;
      doc.events.forEach((e, k) => {
        const at = `$.events[${k}]`;
        const cur = { seq: e.seq, ...event(e, at, cp.size, cp.root, 'inclusion_proof') };
        const f = cur.fields;
        if (f && (f.stream_type !== doc.stream.type || f.stream_id !== doc.stream.id)) fail('stream', e.seq, `${at}.canonical`, `${doc.stream.type}/${doc.stream.id}`, `${f.stream_type}/${f.stream_id}`);
        links(prev, cur, doc.stream.complete, at);
        // An unreadable record has a finding already; its place in the stream is taken to be the next.
        cur.streamSeq = f ? f.stream_seq : (prev?.streamSeq ?? 0) + 1;
        maxStreamSeq = Math.max(maxStreamSeq, cur.streamSeq);
        prev = cur;
      });
      if (!v2 && doc.stream.complete && doc.events.length === 0) fail('stream', null, '$.events', 'events', 'none');
      if (v2) streamHead(doc, cp, prev, maxStreamSeq);
      checked = doc.events.length;
    }
  } else if (format === FORMATS.inclusion) {
    const r = hash(doc.root_hash, doc.seq, '$.root_hash');
    signedRoot(doc.checkpoint, '$.checkpoint', doc.tree_size, r);
    size = BigInt(doc.tree_size); root = r;
    event(doc, '$', doc.tree_size, r, 'proof');
    checked = 1;
  } else {
    const r1 = hash(doc.root1, null, '$.root1'), r2 = hash(doc.root2, null, '$.root2');
    const cp2 = signedRoot(doc.checkpoint2, '$.checkpoint2', doc.size2, r2);
    if (doc.size1 === 0) {
      if (doc.checkpoint1 !== null) fail('checkpoint', 0, '$.checkpoint1', 'null', 'a checkpoint');
    } else {
      const cp1 = signedRoot(doc.checkpoint1, '$.checkpoint1', doc.size1, r1);
      if (cp1 && cp2 && cp1.origin !== cp2.origin) fail('origin', doc.size1, '$.checkpoint1.text', cp2.origin, cp1.origin);
    }
    const proof = hashes(doc.proof, null, '$.proof');
    if (proof && r1 && r2) {
      try { verifyConsistency(BigInt(doc.size1), BigInt(doc.size2), proof, r1, r2); } catch (err) { fail('consistency_proof', null, '$.proof', `${doc.root1} -> ${doc.root2}`, err.message); }
    }
    size = BigInt(doc.size2); root = r2;
  }

  // §8.7: the last event of a complete bundle is the stream's head; no event is beyond it; or absence is proven
  function streamHead(doc, cp, last, maxStreamSeq) {
    const before = findings.length;
    const head = checkStreamHead(doc.stream_head, doc.stream, cp, fail);
    if (findings.length > before) return;
    const n = doc.events.length;
    if (!head) {
      if (n > 0) fail('stream_head', null, '$.events', 'no events (absence proven)', n);
      if (!doc.stream.complete) fail('stream_head', null, '$.stream.complete', 'true', 'false');
      return;
    }
    if (maxStreamSeq > head.stream_seq) fail('stream_head', null, '$.events', `stream_seq <= ${head.stream_seq}`, maxStreamSeq);
    if (!doc.stream.complete) return;
    if (n === 0) { fail('stream_head', null, '$.events', `events 1..${head.stream_seq}`, 'none'); return; }
    if (last.streamSeq !== head.stream_seq || last.leaf !== head.leaf_hash)
      fail('stream_head', doc.events[n - 1].seq, `$.events[${n - 1}]`, `stream_seq ${head.stream_seq}, leaf hash ${head.leaf_hash}`, `stream_seq ${last.streamSeq}, leaf hash ${last.leaf}`);
  }

  // §8.4 rule 5 between neighbours in a bundle
  function links(prev, cur, complete, at) {
    if (prev && cur.seq <= prev.seq) fail('event_order', cur.seq, `${at}.seq`, `seq > ${prev.seq}`, cur.seq);
    const f = cur.fields;
    if (!f) return;
    const pf = prev?.fields;
    if (prev && f.seq === prev.seq + 1 && f.prev_hash !== prev.leaf) fail('prev_hash', f.seq, `${at}.canonical/prev_hash`, prev.leaf, f.prev_hash);
    const want = (pf?.stream_seq ?? 0) + 1;
    if (complete && f.stream_seq !== want) fail('stream_seq', f.seq, `${at}.canonical/stream_seq`, want, f.stream_seq);
    else if (!complete && pf && f.stream_seq <= pf.stream_seq) fail('stream_seq', f.seq, `${at}.canonical/stream_seq`, `> ${pf.stream_seq}`, f.stream_seq);
    const linked = complete ? f.stream_seq === want : pf && f.stream_seq === pf.stream_seq + 1;
    const expected = f.stream_seq === 1 ? ZERO : prev?.leaf;
    if (linked && expected && f.stream_prev_hash !== expected) fail('stream_chain', f.seq, `${at}.canonical/stream_prev_hash`, expected, f.stream_prev_hash);
  }

  return { checked, size, root };
}

// ---- §2: every rule one record can be checked against on its own (and §7's envelope rule)
const RECORD_MEMBERS = ['action', 'actor', 'client_address', 'event_id', 'idempotency_key', 'lineage', 'occurred_at', 'payload', 'prev_hash',
  'recorded_at', 'schema_version', 'seq', 'stream_id', 'stream_prev_hash', 'stream_seq', 'stream_type', 'supersedes', 'v'];
function recordRules(canonical, fail) {
  let r;
  try { r = parseStrict(canonical, { signedIntegers: true }); } catch (e) {
    if (!(e instanceof Rejected)) throw e;
    fail(e.rule === 'duplicate_member' ? e.rule : 'record_json', e.path, e.want, e.got);
    return { parsed: null, fields: null };
  }
  if (kind(r) !== 'object') { fail('record_type', '$', 'an object', kind(r)); return { parsed: r, fields: null }; }
  for (const m of RECORD_MEMBERS) if (!(m in r)) fail('record_member', m, 'present', 'absent');
  for (const m of Object.keys(r).sort()) if (!RECORD_MEMBERS.includes(m)) fail('record_member', m, 'only the members of §2', 'present');
  const has = (m) => m in r;
  if (has('v') && r.v !== 1) fail('record_version', 'v', 1, JSON.stringify(r.v));
  const int = (m) => { if (!has(m)) return null; if (Number.isInteger(r[m]) && r[m] >= 1) return r[m]; fail('record_type', m, 'an integer ≥ 1', JSON.stringify(r[m])); return null; };
  const seq = int('seq'), streamSeq = int('stream_seq');
  int('schema_version');
  for (const m of ['stream_type', 'stream_id', 'actor', 'action']) if (has(m) && typeof r[m] !== 'string') fail('record_type', m, 'a string', kind(r[m]));
  for (const m of ['client_address', 'idempotency_key']) if (has(m) && r[m] !== null && typeof r[m] !== 'string') fail('record_type', m, 'a string or null', kind(r[m]));
  if (has('payload') && kind(r.payload) !== 'object') fail('record_type', 'payload', 'an object', kind(r.payload));
  if (has('event_id') && !isUuid(r.event_id)) fail('uuid', 'event_id', 'a lowercase UUID', JSON.stringify(r.event_id));
  if (has('supersedes') && r.supersedes !== null && !isUuid(r.supersedes)) fail('uuid', 'supersedes', 'a lowercase UUID or null', JSON.stringify(r.supersedes));
  for (const m of ['occurred_at', 'recorded_at']) if (has(m) && !isTimestamp(r[m])) fail('timestamp', m, 'YYYY-MM-DDTHH:MM:SS.ffffffZ', JSON.stringify(r[m]));
  if (has('lineage') && r.lineage !== null) {
    const l = r.lineage;
    if (kind(l) !== 'object' || Object.keys(l).sort().join() !== 'inputs,rule_id,rule_version' || !Array.isArray(l.inputs) || typeof l.rule_id !== 'string' || typeof l.rule_version !== 'string') {
      fail('lineage', 'lineage', 'null or {inputs, rule_id, rule_version}', JSON.stringify(l).slice(0, 80));
    } else {
      l.inputs.forEach((u, k) => { if (!isUuid(u)) fail('uuid', `lineage.inputs[${k}]`, 'a lowercase UUID', JSON.stringify(u)); });
    }
  }
  if (kind(r.payload) === 'object') envelopes(r.payload, 'payload', fail);
  const hashMember = (m, position, positionName) => {
    if (!has(m)) return null;
    if (!isHex64(r[m])) { fail('hex', m, '64 lowercase hex characters', JSON.stringify(r[m]).slice(0, 80)); return null; }
    if (position === 1 && r[m] !== ZERO) fail('zero_hash', m, `64 zeros at ${positionName} 1`, r[m]);
    if (position > 1 && r[m] === ZERO) fail('zero_hash', m, `not zeros after ${positionName} 1`, r[m]);
    return r[m];
  };
  const prevHash = hashMember('prev_hash', seq, 'seq'), streamPrevHash = hashMember('stream_prev_hash', streamSeq, 'stream_seq');
  const fields = seq !== null && streamSeq !== null && typeof r.stream_type === 'string' && typeof r.stream_id === 'string' && prevHash && streamPrevHash
    ? { seq, stream_seq: streamSeq, stream_type: r.stream_type, stream_id: r.stream_id, prev_hash: prevHash, stream_prev_hash: streamPrevHash }
    : null;
  return { parsed: r, fields };
}

// §7: every object in the payload with an "enc" member is an envelope, of exactly this shape.
function envelopes(v, path, fail) {
  if (Array.isArray(v)) { v.forEach((x, k) => envelopes(x, `${path}[${k}]`, fail)); return; }
  if (kind(v) !== 'object') return;
  if (!('enc' in v)) { for (const [k, x] of Object.entries(v)) envelopes(x, `${path}.${k}`, fail); return; }
  const problem = (() => {
    if (Object.keys(v).sort().join() !== 'ct,enc,iv,sub') return 'members other than ct, enc, iv, sub';
    if (v.enc !== 'A256GCM') return 'enc is not "A256GCM"';
    if (typeof v.sub !== 'string' || v.sub.length === 0) return 'sub is not a non-empty string';
    const iv = strictBase64(v.iv);
    if (!iv || iv.length !== 12) return 'iv is not strict base64 of 12 bytes';
    const ct = strictBase64(v.ct);
    if (!ct || ct.length < 16) return 'ct is not strict base64 of at least 16 bytes (ciphertext and tag)';
    return null;
  })();
  if (problem) fail('envelope', path, 'an envelope of §7', problem);
}

function report(findings, result) {
  for (const f of findings) console.log(`FINDING ${f.check} seq=${f.seq ?? '-'} at=${f.at ?? '-'} expected=${f.expected} actual=${f.actual}`);
  console.log(findings.length === 0 ? `INTACT ${result.checked} events, checkpoint size ${result.size}` : `${findings.length} findings`);
  return findings.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
