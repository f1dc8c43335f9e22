#!/usr/bin/env node
// An independent verifier for AuditPortal evidence bundles, written from docs/ledger-format.md alone
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

function main(argv) {
  const file = argv[0];
  const keyIdx = argv.indexOf('--public-key');
  if (!file) { console.error('usage: verify-evidence.mjs BUNDLE.json [--public-key PEM]'); return 2; }
  let bundle;
  try { bundle = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { console.error(`cannot read ${file}: ${e.message}`); return 2; }
  const findings = [];
  const fail = (check, seq, expected, actual) => findings.push({ check, seq, expected, actual });

  if (bundle.format !== 'auditportal-evidence/v1') fail('format', null, 'auditportal-evidence/v1', bundle.format);
  let key;
  try {
    key = createPublicKey(bundle.public_key);
    const der = key.export({ type: 'spki', format: 'der' });
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') fail('public_key', null, 'P-256', key.asymmetricKeyDetails?.namedCurve);
    if (hex(sha256(der)) !== bundle.key_id) fail('key_id', null, hex(sha256(der)), bundle.key_id);
    if (keyIdx >= 0) {
      const trusted = createPublicKey(readFileSync(argv[keyIdx + 1], 'utf8')).export({ type: 'spki', format: 'der' });
      if (!trusted.equals(der)) fail('trusted_key', null, hex(sha256(trusted)), hex(sha256(der)));
    }
  } catch (e) { fail('public_key', null, 'PEM public key', e.message); }

  let cp;
  try { cp = parseCheckpoint(bundle.checkpoint.text); } catch (e) { fail('checkpoint', null, '§5 text', e.message); }
  if (cp && key) {
    const ok = verify('sha256', Buffer.from(bundle.checkpoint.text, 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(bundle.checkpoint.signature, 'base64'));
    if (!ok) fail('checkpoint_signature', null, 'valid', 'invalid');
  }

  let prev = { streamSeq: 0, hash: ZERO };
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
  }
  if (bundle.stream?.complete && !(bundle.events?.length > 0)) fail('stream', null, 'events', 'none');

  for (const f of findings) console.log(`FINDING ${f.check} seq=${f.seq ?? '-'} expected=${f.expected} actual=${f.actual}`);
  console.log(findings.length === 0 ? `INTACT ${bundle.events.length} events, checkpoint size ${cp.size}` : `${findings.length} findings`);
  return findings.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
