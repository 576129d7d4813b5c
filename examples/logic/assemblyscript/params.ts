// params: an NMP guest in AssemblyScript that computes one statistic over numbers it is given.
//
// stdin:  {"values":[1.5,2,3e2],"op":"mean"}   op is one of count, sum, mean, min, max, stddev
//         (default "mean"); other keys are ignored.
// stdout: {"op":"mean","count":3,"result":101.16666666666667}
// Bad input prints {"error":"..."} and exits with status 1. Limits: 1 MiB of input and
// 100,000 values, both enforced. No recursion: nested values are skipped with a depth counter.
//
// The WASI shim has no file API, so this program takes its data on stdin rather than /data.

const MAX_INPUT: i32 = 1 << 20;
const MAX_VALUES: i32 = 100000;
const CHUNK: i32 = 65536;

let input = new Uint8Array(0);
let pos: i32 = 0;
let failed: string | null = null;

function fail(message: string): void {
  if (failed === null) failed = message;
}

function readStdin(): void {
  const chunk = new ArrayBuffer(CHUNK);
  let buffer = new Uint8Array(CHUNK);
  let length: i32 = 0;
  while (true) {
    const n = process.stdin.read(chunk);
    if (n <= 0) break;
    if (length + n > MAX_INPUT) {
      fail("input is larger than 1 MiB");
      return;
    }
    if (length + n > buffer.length) {
      const bigger = new Uint8Array(min(buffer.length * 2, MAX_INPUT));
      bigger.set(buffer.subarray(0, length));
      buffer = bigger;
    }
    buffer.set(Uint8Array.wrap(chunk, 0, n), length);
    length += n;
  }
  input = buffer.subarray(0, length);
}

function peek(): i32 {
  return pos < input.length ? <i32>input[pos] : -1;
}

function skipWhitespace(): void {
  while (pos < input.length) {
    const c = input[pos];
    if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
    pos++;
  }
}

function expect(c: i32, what: string): bool {
  skipWhitespace();
  if (peek() != c) {
    fail("expected " + what + " at byte " + pos.toString());
    return false;
  }
  pos++;
  return true;
}

// A JSON string; escapes other than \" and \\ are kept verbatim (only keys and op names are read).
function parseString(): string {
  if (!expect(0x22, "a string")) return "";
  const start = pos;
  while (pos < input.length && input[pos] != 0x22) {
    if (input[pos] < 0x20) {
      fail("control character in a string");
      return "";
    }
    pos += input[pos] == 0x5c ? 2 : 1;
  }
  if (pos >= input.length) {
    fail("unterminated string");
    return "";
  }
  const text = String.UTF8.decodeUnsafe(input.dataStart + <usize>start, <usize>(pos - start));
  pos++;
  return text.replaceAll("\\\"", "\"").replaceAll("\\\\", "\\");
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

// A JSON number, checked against the JSON grammar before conversion.
function parseNumber(): f64 {
  skipWhitespace();
  const start = pos;
  if (peek() == 0x2d) pos++;
  if (peek() == 0x30) {
    pos++;
  } else if (isDigit(peek())) {
    while (isDigit(peek())) pos++;
  } else {
    fail("expected a number at byte " + start.toString());
    return 0;
  }
  if (peek() == 0x2e) {
    pos++;
    if (!isDigit(peek())) {
      fail("bad number at byte " + start.toString());
      return 0;
    }
    while (isDigit(peek())) pos++;
  }
  if (peek() == 0x65 || peek() == 0x45) {
    pos++;
    if (peek() == 0x2b || peek() == 0x2d) pos++;
    if (!isDigit(peek())) {
      fail("bad exponent at byte " + start.toString());
      return 0;
    }
    while (isDigit(peek())) pos++;
  }
  const text = String.UTF8.decodeUnsafe(input.dataStart + <usize>start, <usize>(pos - start));
  const value = parseFloat(text);
  if (!isFinite(value)) fail("number out of range at byte " + start.toString());
  return value;
}

function parseValues(values: Array<f64>): void {
  if (!expect(0x5b, "'[' for values")) return;
  skipWhitespace();
  if (peek() == 0x5d) {
    pos++;
    return;
  }
  while (failed === null) {
    if (values.length >= MAX_VALUES) {
      fail("more than 100000 values");
      return;
    }
    values.push(parseNumber());
    skipWhitespace();
    if (peek() == 0x2c) {
      pos++;
      continue;
    }
    expect(0x5d, "',' or ']' in values");
    return;
  }
}

// Skips any JSON value; nesting is tracked with a counter.
function skipValue(): void {
  let depth = 0;
  do {
    skipWhitespace();
    const c = peek();
    if (c == -1) {
      fail("truncated JSON");
      return;
    } else if (c == 0x22) {
      parseString();
    } else if (c == 0x7b || c == 0x5b) {
      depth++;
      pos++;
      continue;
    } else if (c == 0x7d || c == 0x5d) {
      if (depth == 0) {
        fail("unexpected bracket at byte " + pos.toString());
        return;
      }
      depth--;
      pos++;
    } else if (c == 0x2c || c == 0x3a) {
      if (depth == 0) {
        fail("unexpected separator at byte " + pos.toString());
        return;
      }
      pos++;
      continue;
    } else if (c == 0x2d || isDigit(c)) {
      parseNumber();
    } else {
      const start = pos;
      while (pos < input.length && input[pos] >= 0x61 && input[pos] <= 0x7a) pos++;
      const word = String.UTF8.decodeUnsafe(input.dataStart + <usize>start, <usize>(pos - start));
      if (word != "true" && word != "false" && word != "null") {
        fail("bad value at byte " + start.toString());
        return;
      }
    }
  } while (depth > 0 && failed === null);
}

function formatNumber(value: f64): string {
  if (!isFinite(value)) return "null";
  if (value == Math.floor(value) && Math.abs(value) < 1e15) return (<i64>value).toString();
  return value.toString();
}

function jsonString(text: string): string {
  let out = "\"";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20) out += "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

function compute(op: string, values: Array<f64>): f64 {
  const n = values.length;
  if (op == "count") return <f64>n;
  let sum: f64 = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (op == "sum") return sum;
  if (n == 0) {
    fail(op + " of no values");
    return 0;
  }
  if (op == "min") return lo;
  if (op == "max") return hi;
  const mean = sum / <f64>n;
  if (op == "mean") return mean;
  let squares: f64 = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) * (values[i] - mean);
  return Math.sqrt(squares / <f64>n); // stddev (population)
}

function run(): string {
  readStdin();
  let op = "mean";
  const values = new Array<f64>();
  let sawValues = false;
  if (!expect(0x7b, "a JSON object")) return "";
  skipWhitespace();
  if (peek() == 0x7d) {
    pos++;
  } else {
    while (failed === null) {
      const key = parseString();
      if (!expect(0x3a, "':'")) break;
      if (key == "values") {
        values.length = 0;
        parseValues(values);
        sawValues = true;
      } else if (key == "op") {
        op = parseString();
      } else {
        skipValue();
      }
      skipWhitespace();
      if (peek() == 0x2c) {
        pos++;
        skipWhitespace();
        continue;
      }
      expect(0x7d, "',' or '}'");
      break;
    }
  }
  skipWhitespace();
  if (failed === null && pos != input.length) fail("trailing bytes after the object");
  if (failed === null && !sawValues) fail("missing \"values\"");
  const known = op == "count" || op == "sum" || op == "mean" || op == "min" || op == "max" ||
    op == "stddev";
  if (failed === null && !known) fail("unknown op (count, sum, mean, min, max, stddev)");
  if (failed !== null) return "";
  const result = compute(op, values);
  if (failed !== null) return "";
  return "{\"op\":" + jsonString(op) + ",\"count\":" + values.length.toString() +
    ",\"result\":" + formatNumber(result) + "}\n";
}

const output = run();
if (failed !== null) {
  process.stdout.write("{\"error\":" + jsonString(failed!) + "}\n");
  process.exit(1);
}
process.stdout.write(output);
