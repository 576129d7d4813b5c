/**
 * Inspection time of the wasm-wrapped Guardian (this package, in Node.js) beside the native Rust
 * Guardian (release build of the `verdicts` example) on the same modules, in the same run.
 * Not a test: `npm run bench`. Each side runs a warm-up, then ROUNDS inspections; mean per call.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import { Guardian } from '@nmp/guardian';

import { ROOT, verdicts } from './support.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 100);

function native(file: string): number {
  const bin = process.env['NMP_GUARDIAN_VERDICTS_RELEASE'];
  const args = ['time', file, String(ROUNDS)];
  const out =
    bin !== undefined && bin !== ''
      ? execFileSync(bin, args, { encoding: 'utf8' })
      : execFileSync('cargo', ['run', '--quiet', '--locked', '--release', '-p', 'nmp-guardian-wasm', '--example', 'verdicts', '--', ...args], { cwd: ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as { mean_us: number }).mean_us;
}

function wrapped(guardian: Guardian, wasm: Uint8Array): number {
  guardian.inspect(wasm);
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) guardian.inspect(wasm);
  return ((performance.now() - start) * 1000) / ROUNDS;
}

const dir = mkdtempSync(join(tmpdir(), 'nmp-guardian-bench-'));
try {
  verdicts(['corpus', dir]);
  const modules = [
    resolve(ROOT, 'examples/logic/wat/hello.wasm'),
    resolve(ROOT, 'examples/logic/assemblyscript/params.wasm'),
    resolve(ROOT, 'examples/logic/c/aggregate.wasm'),
    join(dir, 'bomb-largest-function-admitted.wasm'),
    join(dir, 'bomb-module-blocks-over.wasm'),
  ];
  const loadStart = performance.now();
  const guardian = await Guardian.load();
  console.log(`Guardian.load (compile + instantiate the 0.76 MB wasm): ${(performance.now() - loadStart).toFixed(1)} ms`);
  console.log(`| module | bytes | native Rust (µs) | @nmp/guardian (µs) | ratio |`);
  console.log(`|---|---|---|---|---|`);
  for (const file of modules) {
    const wasm = readFileSync(file);
    const ours = wrapped(guardian, wasm);
    const theirs = native(file);
    const name = file.startsWith(dir) ? `corpus/${file.slice(dir.length + 1)}` : file.slice(ROOT.length + 1);
    console.log(`| ${name} | ${wasm.length} | ${theirs.toFixed(1)} | ${ours.toFixed(1)} | ${(ours / theirs).toFixed(2)}× |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
