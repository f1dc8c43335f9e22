#!/usr/bin/env node
// An independent verifier for AuditPortal evidence bundles (formats 1 and 2), written from docs/ledger-format.md alone
// (it shares no code with the C# implementation). Node's standard library only.
// Usage: node verify-evidence.mjs BUNDLE.json [--public-key PEM_FILE]
// Exit: 0 intact, 1 findings, 2 unreadable input.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const sha256 = (...parts) => { const h = createHash('sha256'); for (const p of parts) h.update(p); return h.digest(); };
const hex = (b) => Buffer.from(b).toString('hex');
const ZERO = '0'.repeat(64);

// RFC 8785: JSON.stringify already writes strings and numbers the JCS way; only member order differs.
function jcs(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(jcs).join(',') + ']';
  const keys = Object.keys(value).sort(); // default sort compares UTF-16 code units, as RFC 8785 requires
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + jcs(value[k])).join(',') + '}';
}

// RFC 9162 §2.1.3.2
function rootFromInclusionProof(index, size, leafHash, proof) {
  if (index >= size) throw new Error(`index ${index} is beyond tree size ${size}`);
  let fn = index, sn = size - 1n, r = leafHash;
  for (const p of proof) {
    if (sn === 0n) throw new Error('proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      if ((fn & 1n) === 0n) { while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('proof is shorter than the path');
  return r;
}

function parseCheckpoint(text) {
  const m = /^auditportal-checkpoint\/v1\norigin (\S+)\nsize (0|[1-9][0-9]*)\nroot ([0-9a-f]{64})\ntime (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\n$/.exec(text);
  if (!m) throw new Error('checkpoint text is not in the form of §5');
  return { origin: m[1], size: BigInt(m[2]), root: Buffer.from(m[3], 'hex'), time: m[4] };
}

// §5.1: a format 2 checkpoint text (C2SP tlog-checkpoint with two extension lines).
function parseCheckpointV2(text) {
  const b64 = '([A-Za-z0-9+/]{43}=)';
  const m = new RegExp(`^([^\\s+]+)\n(0|[1-9][0-9]*)\n${b64}\nstream-heads (0|[1-9][0-9]*) ${b64}\ntime (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z)\n$`).exec(text);
  if (!m || m[1] === 'auditportal-checkpoint/v1') throw new Error('checkpoint text is not in the form of §5.1');
  return { origin: m[1], size: BigInt(m[2]), root: Buffer.from(m[3], 'base64'), headsCount: BigInt(m[4]), headsRoot: Buffer.from(m[5], 'base64'), time: m[6] };
}

// §5.2: a C2SP signed note: text, an empty line, lines "— <name> <base64(key id ‖ signature)>".
function parseNote(note) {
  if (/[\x00-\x09\x0b-\x1f]/.test(note)) throw new Error('control character in the note');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('no signature block');
  const text = note.slice(0, split + 1);
  const sigs = note.slice(split + 2, -1).split('\n').map((line) => {
    const m = /^\u2014 ([^\s+]+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (!m) throw new Error(`bad signature line '${line}'`);
    const blob = Buffer.from(m[2], 'base64');
    if (blob.length < 5 || blob.toString('base64') !== m[2]) throw new Error('signature is not base64 of key id and signature');
    return { name: m[1], keyId: blob.subarray(0, 4).toString('hex'), sig: blob.subarray(4) };
  });
  return { text, sigs };
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// §5.2: vkey = <name>+<hex key id>+<base64(type ‖ key)>; key ids as signed-note defines them.
function parseVkey(vkey) {
  const first = vkey.indexOf('+'), second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new Error('not <name>+<id>+<key>');
  const name = vkey.slice(0, first), id = vkey.slice(first + 1, second), blob = Buffer.from(vkey.slice(second + 1), 'base64');
  if (!/^[0-9a-f]{8}$/.test(id) || blob.toString('base64') !== vkey.slice(second + 1) || blob.length < 2) throw new Error('malformed vkey');
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

const noteVerifies = (vk, text, sig) => vk.type === 0x01
  ? verify(null, Buffer.from(text, 'utf8'), vk.key, sig)
  : verify('sha256', Buffer.from(text, 'utf8'), { key: vk.key, dsaEncoding: 'der' }, sig);

// §4.1: head leaf = u32(len T) ‖ T ‖ u32(len I) ‖ I ‖ u64(n) ‖ h; keys ordered by T then I as UTF-8 bytes.
function headLeafHash(e) {
  const t = Buffer.from(e.stream_type, 'utf8'), i = Buffer.from(e.stream_id, 'utf8');
  const n = Buffer.alloc(8); n.writeBigUInt64BE(BigInt(e.stream_seq));
  const len = (b) => { const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return l; };
  if (!/^[0-9a-f]{64}$/.test(e.leaf_hash) || !(e.stream_seq >= 1)) throw new Error('malformed head entry');
  return sha256(Buffer.from([0]), len(t), t, len(i), i, n, Buffer.from(e.leaf_hash, 'hex'));
}
const compareKeys = (a, b) => Buffer.compare(Buffer.from(a.type, 'utf8'), Buffer.from(b.type, 'utf8')) || Buffer.compare(Buffer.from(a.id, 'utf8'), Buffer.from(b.id, 'utf8'));

// §8.1: the stream-head proof. Returns the proven head entry, or null (absence, or failure).
function checkStreamHead(sh, stream, cp, fail) {
  if (BigInt(sh.count) !== cp.headsCount) { fail('stream_head', null, cp.headsCount, sh.count); return null; }
  const entryOk = (e, name) => {
    try {
      const root = rootFromInclusionProof(BigInt(e.index), BigInt(sh.count), headLeafHash(e), e.proof.map((h) => Buffer.from(h, 'hex')));
      if (!root.equals(cp.headsRoot)) { fail('stream_head', null, hex(cp.headsRoot), `${name}: ${hex(root)}`); return false; }
      return true;
    } catch (err) { fail('stream_head', null, 'valid head entry', `${name}: ${err.message}`); return false; }
  };
  if (sh.head) {
    if (sh.left || sh.right) fail('stream_head', null, 'no neighbours', 'neighbours');
    if (!entryOk(sh.head, 'head')) return null;
    if (sh.head.stream_type !== stream.type || sh.head.stream_id !== stream.id) { fail('stream_head', null, `${stream.type}/${stream.id}`, `${sh.head.stream_type}/${sh.head.stream_id}`); return null; }
    return sh.head;
  }
  if ((sh.left && !entryOk(sh.left, 'left')) || (sh.right && !entryOk(sh.right, 'right'))) return null;
  const li = sh.left ? BigInt(sh.left.index) : -1n, ri = sh.right ? BigInt(sh.right.index) : BigInt(sh.count);
  if (ri !== li + 1n) fail('stream_head', null, 'adjacent neighbours', `${li}, ${ri}`);
  if (sh.left && compareKeys({ type: sh.left.stream_type, id: sh.left.stream_id }, stream) >= 0) fail('stream_head', null, 'left < stream', 'not before');
  if (sh.right && compareKeys(stream, { type: sh.right.stream_type, id: sh.right.stream_id }) >= 0) fail('stream_head', null, 'stream < right', 'not after');
  return null;
}

function main(argv) {
  const file = argv[0];
  const keyIdx = argv.indexOf('--public-key');
  if (!file) { console.error('usage: verify-evidence.mjs BUNDLE.json [--public-key PEM]'); return 2; }
  let bundle;
  try { bundle = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { console.error(`cannot read ${file}: ${e.message}`); return 2; }
  const findings = [];
  const fail = (check, seq, expected, actual) => findings.push({ check, seq, expected, actual });

  const v2 = bundle.format === 'auditportal-evidence/v2';
  if (!v2 && bundle.format !== 'auditportal-evidence/v1') fail('format', null, 'auditportal-evidence/v1 or v2', bundle.format);
  let key, der;
  try {
    key = createPublicKey(bundle.public_key);
    der = key.export({ type: 'spki', format: 'der' });
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') fail('public_key', null, 'P-256', key.asymmetricKeyDetails?.namedCurve);
    if (hex(sha256(der)) !== bundle.key_id) fail('key_id', null, hex(sha256(der)), bundle.key_id);
    if (keyIdx >= 0) {
      const trusted = createPublicKey(readFileSync(argv[keyIdx + 1], 'utf8')).export({ type: 'spki', format: 'der' });
      if (!trusted.equals(der)) fail('trusted_key', null, hex(sha256(trusted)), hex(sha256(der)));
    }
  } catch (e) { fail('public_key', null, 'PEM public key', e.message); }

  let cp;
  if (v2) {
    let note;
    try { note = parseNote(bundle.checkpoint.note); cp = parseCheckpointV2(note.text); } catch (e) { fail('checkpoint', null, '§5 signed note', e.message); }
    if (cp && key) {
      const ecdsaId = sha256(der).subarray(0, 4).toString('hex');
      const line = note.sigs.find((x) => x.name === cp.origin && x.keyId === ecdsaId);
      if (!line || !verify('sha256', Buffer.from(note.text, 'utf8'), { key, dsaEncoding: 'der' }, line.sig)) fail('checkpoint_signature', null, 'valid ECDSA line', 'missing or invalid');
      let ecdsaListed = false;
      for (const [n, text] of (bundle.vkeys ?? []).entries()) {
        let vk;
        try { vk = parseVkey(text); } catch (e) { fail('vkeys', null, 'C2SP vkey', `vkeys[${n}]: ${e.message}`); continue; }
        if (vk.name !== cp.origin) fail('vkeys', null, cp.origin, vk.name);
        if (vk.type === 0x02) { if (vk.keyBytes.equals(der)) ecdsaListed = true; else fail('vkeys', null, 'public_key', 'another ECDSA key'); }
        const sig = note.sigs.find((x) => x.name === vk.name && x.keyId === vk.id);
        if (!sig) fail('vkeys', null, `a signature by ${vk.name}+${vk.id}`, 'none');
        else if (!noteVerifies(vk, note.text, sig.sig)) fail('checkpoint_signature', null, `valid signature by ${vk.name}+${vk.id}`, 'invalid');
      }
      if (!ecdsaListed) fail('vkeys', null, 'the ECDSA vkey of public_key', 'absent');
    }
  } else {
    try { cp = parseCheckpoint(bundle.checkpoint.text); } catch (e) { fail('checkpoint', null, '§5 text', e.message); }
  }
  if (cp && key && !v2) {
    const ok = verify('sha256', Buffer.from(bundle.checkpoint.text, 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(bundle.checkpoint.signature, 'base64'));
    if (!ok) fail('checkpoint_signature', null, 'valid', 'invalid');
  }

  let prev = { streamSeq: 0, hash: ZERO }, maxStreamSeq = 0;
  for (const ev of bundle.events ?? []) {
    const bytes = Buffer.from(ev.canonical, 'utf8');
    let rec;
    try { rec = JSON.parse(ev.canonical); } catch (e) { fail('record', ev.seq, 'JSON', e.message); continue; }
    if (jcs(rec) !== ev.canonical) fail('canonical', ev.seq, 'RFC 8785 form', 'differs');
    const leaf = sha256(Buffer.from([0]), bytes);
    if (hex(leaf) !== ev.leaf_hash) fail('leaf_hash', ev.seq, hex(leaf), ev.leaf_hash);
    if (rec.seq !== ev.seq || ev.leaf_index !== ev.seq - 1) fail('leaf_index', ev.seq, `seq ${rec.seq}`, `seq ${ev.seq} leaf_index ${ev.leaf_index}`);
    if (rec.stream_type !== bundle.stream.type || rec.stream_id !== bundle.stream.id) fail('stream', ev.seq, `${bundle.stream.type}/${bundle.stream.id}`, `${rec.stream_type}/${rec.stream_id}`);
    if (cp) {
      try {
        const root = rootFromInclusionProof(BigInt(ev.leaf_index), cp.size, leaf, ev.inclusion_proof.map((h) => Buffer.from(h, 'hex')));
        if (!root.equals(cp.root)) fail('inclusion_proof', ev.seq, hex(cp.root), hex(root));
      } catch (e) { fail('inclusion_proof', ev.seq, 'valid proof', e.message); }
    }
    if (bundle.stream.complete) {
      if (rec.stream_seq !== prev.streamSeq + 1) fail('stream_seq', ev.seq, prev.streamSeq + 1, rec.stream_seq);
      if (rec.stream_prev_hash !== prev.hash) fail('stream_chain', ev.seq, prev.hash, rec.stream_prev_hash);
    }
    prev = { streamSeq: rec.stream_seq, hash: hex(leaf) };
    maxStreamSeq = Math.max(maxStreamSeq, rec.stream_seq);
  }
  if (!v2 && bundle.stream?.complete && !(bundle.events?.length > 0)) fail('stream', null, 'events', 'none');
  if (v2 && cp) {
    const head = checkStreamHead(bundle.stream_head, bundle.stream, cp, fail);
    const events = bundle.events ?? [];
    if (head) {
      if (maxStreamSeq > head.stream_seq) fail('stream_head', null, `stream_seq <= ${head.stream_seq}`, maxStreamSeq);
      if (bundle.stream.complete && (events.length === 0 || prev.streamSeq !== head.stream_seq || prev.hash !== head.leaf_hash))
        fail('stream_head', null, `last event = head ${head.stream_seq}`, `${prev.streamSeq}`);
    } else if (!bundle.stream_head.head && findings.every((f) => f.check !== 'stream_head')) {
      if (events.length > 0) fail('stream_head', null, 'no events (absence proven)', events.length);
      if (!bundle.stream.complete) fail('stream_head', null, 'complete', 'false');
    }
  }

  for (const f of findings) console.log(`FINDING ${f.check} seq=${f.seq ?? '-'} expected=${f.expected} actual=${f.actual}`);
  console.log(findings.length === 0 ? `INTACT ${bundle.events.length} events, checkpoint size ${cp.size}` : `${findings.length} findings`);
  return findings.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
