/**
 * Parity: the wasm-built Guardian in this package and the native Rust Guardian give the same
 * report — verdict, finding codes and every other field — on every module of the carried
 * WebAssembly 2.0 spec suite, the hostile-module corpus, and the example guests.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { Guardian, errorCodes, type Report } from '@nmp/guardian';
import { ROOT, verdicts } from './support.js';

const ARCHIVE = resolve(ROOT, 'crates/nmp-guardian/tests/conformance/wasm-spec.tar.xz');

let dir = '';
let native = new Map<string, Report>();
let guardian: Guardian;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'nmp-guardian-parity-'));
  execFileSync('tar', ['-xJf', ARCHIVE, '-C', dir]);
  verdicts(['corpus', join(dir, 'hostile')]);
  cpSync(resolve(ROOT, 'examples/logic'), join(dir, 'examples'), {
    recursive: true,
    filter: (path) => !path.includes('node_modules'),
  });
  native = new Map(
    verdicts(['reports', dir])
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const { file, report } = JSON.parse(line) as { file: string; report: Report };
        return [file, report];
      }),
  );
});

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function wasmFiles(root: string, under = root): string[] {
  return readdirSync(under).flatMap((name) => {
    const path = join(under, name);
    if (statSync(path).isDirectory()) return wasmFiles(root, path);
    return name.endsWith('.wasm') ? [relative(root, path)] : [];
  });
}

/** Inspects every file under `prefix` with this package and compares with the native report. */
function compare(prefix: string): { files: number; accepted: number } {
  const files = [...native.keys()].filter((file) => file.startsWith(prefix));
  const mismatches: string[] = [];
  let accepted = 0;
  for (const file of files) {
    const ours = guardian.inspect(readFileSync(join(dir, file)));
    const theirs = native.get(file);
    assert.ok(theirs !== undefined);
    if (ours.verdict === 'accepted') accepted += 1;
    if (ours.verdict !== theirs.verdict || errorCodes(ours).join() !== errorCodes(theirs).join()) {
      mismatches.push(`${file}: ${ours.verdict} ${errorCodes(ours).join()} vs native ${theirs.verdict} ${errorCodes(theirs).join()}`);
    } else {
      try {
        assert.deepStrictEqual(ours, theirs);
      } catch {
        mismatches.push(`${file}: same verdict and codes, other fields differ`);
      }
    }
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} of ${files.length} modules judged differently`);
  return { files: files.length, accepted };
}

test('both sides see the same files', async () => {
  guardian = await Guardian.load();
  assert.deepEqual(wasmFiles(dir).sort(), [...native.keys()].sort());
});

test('the WebAssembly 2.0 spec suite: identical reports on all 4,581 modules', () => {
  const manifest = readFileSync(join(dir, 'wasm-spec/spec.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { file: string; expect: string });
  assert.equal(manifest.length, 4_581);
  const { files, accepted } = compare('wasm-spec/');
  assert.equal(files, 4_581);
  // Invalid and malformed modules are rejected here too (the Rust conformance test's claim).
  for (const { file, expect } of manifest.filter((m) => m.expect !== 'valid')) {
    assert.equal(native.get(`wasm-spec/${file}`)?.verdict, 'rejected', `${file} is ${expect}`);
  }
  console.log(`spec suite: ${files} modules, ${accepted} accepted, identical reports`);
});

test('the hostile corpus: identical reports', () => {
  const { files, accepted } = compare('hostile/');
  assert.ok(files >= 590, `only ${files} hostile modules`);
  const codes = new Set([...native.entries()].filter(([f]) => f.startsWith('hostile/')).flatMap(([, r]) => errorCodes(r)));
  // The corpus exercises the codes a second implementation is likeliest to get wrong.
  for (const code of ['malformed', 'invalid', 'forbidden_import', 'import_signature_mismatch', 'recursion', 'threads', 'exceptions', 'too_many_locals', 'function_too_many_blocks', 'module_too_large'] as const) {
    assert.ok(codes.has(code), `no hostile module is rejected with ${code}`);
  }
  // The exact-signature table: each of the 25 allowed imports as written is accepted, and every
  // variant one type off is rejected for its signature.
  const table = [...native.entries()].filter(([f]) => f.startsWith('hostile/allowlist-'))
  assert.ok(table.length >= 25 * 4, `only ${table.length} allowlist cases`)
  for (const [file, report] of table) {
    if (file.endsWith('-exact.wasm')) assert.equal(report.verdict, 'accepted', file)
    else assert.deepEqual(errorCodes(report), ['import_signature_mismatch'], file)
  }
  assert.ok(errorCodes(native.get('hostile/bomb-issue-10.wasm')!).includes('too_many_locals'), 'issue 10\'s bomb')
  console.log(`hostile corpus: ${files} modules, ${accepted} accepted, ${codes.size} distinct error codes, identical reports`);
});

test('the example guests: identical reports, escape.wasm rejected', () => {
  const { files } = compare('examples/');
  assert.ok(files >= 7);
  assert.equal(native.get('examples/wat/escape.wasm')?.verdict, 'rejected');
  assert.equal(native.get('examples/c/aggregate.wasm')?.verdict, 'accepted');
});
