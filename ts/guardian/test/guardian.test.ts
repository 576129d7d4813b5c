/** The wrapper itself: loading, reports, pre-flight errors, recovery from a fault. */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

import initWabt from 'wabt';

import { Guardian, GuardianFaultError, GuardianLoadError, GuardianRejectedError, errorCodes } from '@nmp/guardian';
import { ROOT } from './support.js';

const logic = (path: string): Uint8Array => readFileSync(resolve(ROOT, 'examples/logic', path));

test('loads from the package, from bytes and from a URL, with the same policy digest', async () => {
  const bytes = readFileSync(resolve(ROOT, 'ts/guardian/wasm/nmp_guardian.wasm'));
  const url = new URL(`file://${resolve(ROOT, 'ts/guardian/wasm/nmp_guardian.wasm')}`);
  const digests = await Promise.all(
    [Guardian.load(), Guardian.load(bytes), Guardian.load(url)].map(async (g) => (await g).inspect(logic('wat/hello.wasm')).policy_digest),
  );
  assert.equal(new Set(digests).size, 1);
  assert.match(digests[0] ?? '', /^[0-9a-f]{64}$/);
});

test('garbage is not a Guardian', async () => {
  await assert.rejects(Guardian.load(new Uint8Array([1, 2, 3])), (e: unknown) => e instanceof GuardianLoadError && e.code === 'GUARDIAN_LOAD_FAILED');
  const wabt = await initWabt();
  const empty = wabt.parseWat('x.wat', '(module (memory (export "memory") 1))').toBinary({}).buffer;
  await assert.rejects(Guardian.load(empty), GuardianLoadError);
});

test('any bytes give a report: empty input is malformed', async () => {
  const report = (await Guardian.load()).inspect(new Uint8Array());
  assert.equal(report.verdict, 'rejected');
  assert.deepEqual(errorCodes(report), ['malformed']);
  assert.equal(report.module_size, 0);
  assert.equal(report.module_sha256, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('preflight returns accepted reports and throws rejected ones', async () => {
  const guardian = await Guardian.load();
  assert.equal(guardian.preflight(logic('c/aggregate.wasm')).verdict, 'accepted');
  assert.throws(
    () => guardian.preflight(logic('wat/escape.wasm')),
    (e: unknown) =>
      e instanceof GuardianRejectedError &&
      e.code === 'GUARDIAN_REJECTED' &&
      errorCodes(e.report).join() === 'forbidden_import,forbidden_import' &&
      e.message.includes('sock_accept'),
  );
});

test('a Guardian that traps gives a typed fault, and the next call starts afresh', async () => {
  // A stand-in with the Guardian's ABI whose inspect traps: the fault path without a real bug.
  const wabt = await initWabt();
  const trapping = wabt
    .parseWat(
      'trap.wat',
      `(module (memory (export "memory") 1)
         (global $next (mut i32) (i32.const 1024))
         (func (export "nmp_guardian_alloc") (param i32) (result i32)
           (global.get $next) (global.set $next (i32.add (global.get $next) (local.get 0))))
         (func (export "nmp_guardian_free") (param i32 i32))
         (func (export "nmp_guardian_inspect") (param i32 i32) (result i32) unreachable))`,
    )
    .toBinary({}).buffer;
  const guardian = await Guardian.load(trapping);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => guardian.inspect(new Uint8Array([0, 97, 115, 109])), (e: unknown) => e instanceof GuardianFaultError && e.code === 'GUARDIAN_FAULT');
  }
});

test('repeated inspections give the same report', async () => {
  const guardian = await Guardian.load();
  const wasm = logic('c/aggregate.wasm');
  guardian.inspect(wasm);
  const first = JSON.stringify(guardian.inspect(wasm));
  for (let i = 0; i < 200; i++) assert.equal(JSON.stringify(guardian.inspect(wasm)), first);
});
