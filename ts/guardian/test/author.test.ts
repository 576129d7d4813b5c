/** Authoring: AssemblyScript and WAT compile in-process, pass pre-flight, and run on the Rust sandbox. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

import { CompileError, Guardian, GuardianRejectedError, errorCodes } from '@nmp/guardian';
import { compileAssemblyScript, compileWat } from '@nmp/guardian/author';

import { ROOT } from './support.js';

/** Sums the decimal integers on stdin and prints {"sum":N}. */
const SUM = `
export function sum(bytes: Uint8Array): i64 {
  let total: i64 = 0, current: i64 = 0, digits = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c >= 48 && c <= 57) { current = current * 10 + (c - 48); digits = true; }
    else if (digits) { total += current; current = 0; digits = false; }
  }
  return digits ? total + current : total;
}
const chunk = new ArrayBuffer(4096);
const n = process.stdin.read(chunk);
console.log('{"sum":' + sum(Uint8Array.wrap(chunk, 0, <i32>n)).toString() + '}');
`;

let guardian: Guardian;

test('an AssemblyScript program compiles, passes pre-flight and runs on the Rust sandbox', async () => {
  guardian = await Guardian.load();
  const { wasm, report } = await compileAssemblyScript(SUM, { guardian });
  assert.equal(report.verdict, 'accepted');
  assert.deepEqual(errorCodes(report), []);
  const module = await WebAssembly.compile(wasm);
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
  assert.ok(imports.every((i) => i.startsWith('wasi_snapshot_preview1.')), imports.join());
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name).sort(), ['_start', 'memory', 'sum'].sort());

  const dir = mkdtempSync(join(tmpdir(), 'nmp-guardian-as-'));
  try {
    writeFileSync(join(dir, 'sum.wasm'), wasm);
    writeFileSync(join(dir, 'input.txt'), '1 2 3 40\n');
    mkdirSync(join(dir, 'data'));
    const out = nmp(['exec', join(dir, 'sum.wasm'), '--data', join(dir, 'data'), '--input', join(dir, 'input.txt')]);
    assert.equal(out.trim(), '{"sum":46}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same source compiles to the same bytes twice in one process', async () => {
  const first = await compileAssemblyScript('console.log("same");', { guardian });
  const second = await compileAssemblyScript('console.log("same");', { guardian });
  assert.deepEqual(first.wasm, second.wasm);
});

test('a type error is a CompileError with the compiler diagnostics', async () => {
  await assert.rejects(
    compileAssemblyScript('let x: i32 = "nope";', { guardian }),
    (e: unknown) => e instanceof CompileError && e.code === 'COMPILE_FAILED' && e.diagnostics.includes('TS2322'),
  );
});

test('a recursive AssemblyScript program is rejected by pre-flight', async () => {
  const source = `
    function fib(n: i32): i32 { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    console.log(fib(<i32>process.argv.length + 20).toString());`;
  await assert.rejects(
    compileAssemblyScript(source, { guardian }),
    (e: unknown) => e instanceof GuardianRejectedError && errorCodes(e.report).includes('recursion'),
  );
});

test('WAT compiles and pre-flights: hello passes, escape is rejected, bad text fails to compile', async () => {
  const hello = await compileWat(readFileSync(resolve(ROOT, 'examples/logic/wat/hello.wat'), 'utf8'), { guardian });
  assert.equal(hello.report.verdict, 'accepted');
  assert.deepEqual(hello.wasm, new Uint8Array(readFileSync(resolve(ROOT, 'examples/logic/wat/hello.wasm'))));
  await assert.rejects(
    compileWat(readFileSync(resolve(ROOT, 'examples/logic/wat/escape.wat'), 'utf8'), { guardian }),
    (e: unknown) => e instanceof GuardianRejectedError && errorCodes(e.report).join() === 'forbidden_import,forbidden_import',
  );
  await assert.rejects(compileWat('(module (func (result i32)))', { guardian }), CompileError);
  await assert.rejects(compileWat('(module', { guardian }), CompileError);
});

/** Runs the `nmp` CLI: `$NMP_BIN` when set, otherwise `cargo run -p nmp-cli`. */
function nmp(args: readonly string[]): string {
  const bin = process.env['NMP_BIN'];
  const [file, argv] =
    bin !== undefined && bin !== ''
      ? [bin, [...args]]
      : ['cargo', ['run', '--quiet', '--locked', '-p', 'nmp-cli', '--', ...args]];
  return execFileSync(file, argv, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}
