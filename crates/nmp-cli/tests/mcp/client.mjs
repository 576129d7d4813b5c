// Drives `nmp mcp` with the official MCP TypeScript SDK client against a loopback mesh.
//
// Run by crates/nmp-cli/tests/it/mcp.rs, which starts the mesh and sets:
//   NMP_BIN        the `nmp` binary
//   NMP_BOOTSTRAP  the bootstrap peer's multiaddr
//   NMP_PEER       the Data Node's PeerId
//   NMP_EXAMPLES   the examples/logic directory
//   NMP_TRANSPORT  `stdio` or `http`
// Prints one line per check and `N passed, 0 failed` at the end; exits 1 on the first failure.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const bin = env('NMP_BIN');
const bootstrap = env('NMP_BOOTSTRAP');
const peer = env('NMP_PEER');
const examples = env('NMP_EXAMPLES');
const transportName = env('NMP_TRANSPORT');
const CAPABILITY = 'demo.hospital/patients';

const base64 = (path) => readFileSync(join(examples, path)).toString('base64');
const text = (path) => readFileSync(join(examples, path), 'utf8');

let passed = 0;
const check = async (name, body) => {
  await body();
  passed += 1;
  console.log(`ok ${passed} ${transportName}: ${name}`);
};

/** Starts `nmp mcp --http 127.0.0.1:0` and resolves with its URL and process. */
const startHttp = () =>
  new Promise((resolve, reject) => {
    const child = spawn(bin, ['mcp', '--bootstrap', bootstrap, '--http', '127.0.0.1:0'], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let seen = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      seen += chunk;
      const match = seen.match(/MCP over Streamable HTTP at (http:\/\/\S+)/);
      if (match) resolve({ url: new URL(match[1]), child });
    });
    child.on('exit', (code) => reject(new Error(`nmp mcp exited with ${code} before listening`)));
    child.on('error', reject);
  });

const connect = async () => {
  const client = new Client({ name: 'nmp-mcp-test', version: '1.0.0' });
  if (transportName === 'stdio') {
    const transport = new StdioClientTransport({
      command: bin,
      args: ['mcp', '--bootstrap', bootstrap],
      stderr: 'inherit',
    });
    await client.connect(transport);
    return { client, stop: () => client.close() };
  }
  const { url, child } = await startHttp();
  await client.connect(new StreamableHTTPClientTransport(url));
  return {
    client,
    stop: async () => {
      await client.close();
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, 'nmp mcp --http exits 0 on SIGTERM');
    },
  };
};

/** Asserts that `promise` rejects with an MCP error of `code`. */
const rejectsWith = async (promise, code) => {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof McpError, `expected an McpError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
};

const { client, stop } = await connect();
try {
  await check('the server names itself and lists exactly the four tools', async () => {
    assert.equal(client.getServerVersion().name, 'nmp');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['nmp_budget', 'nmp_describe', 'nmp_discover', 'nmp_execute', 'nmp_inspect']);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.ok(tool.outputSchema, `${tool.name} declares an output schema`);
      assert.ok(tool.description.length > 40, tool.name);
    }
  });

  await check('nmp_discover finds the Data Node with its verified document', async () => {
    const result = await client.callTool({ name: 'nmp_discover', arguments: { capability: CAPABILITY } });
    assert.notEqual(result.isError, true);
    const { providers, failed } = result.structuredContent;
    assert.equal(providers.length, 1);
    assert.equal(failed.length, 0);
    assert.equal(providers[0].peer, peer);
    const dataset = providers[0].data.datasets[0];
    assert.equal(dataset.capability, CAPABILITY);
    assert.equal(dataset.rows, 200);
    // Node text stays out of the text summary.
    assert.ok(!result.content[0].text.includes(dataset.name));
  });

  await check('nmp_discover of an unknown capability finds nobody', async () => {
    const result = await client.callTool({ name: 'nmp_discover', arguments: { capability: 'demo.nowhere/none' } });
    assert.deepEqual(result.structuredContent.providers, []);
  });

  await check('nmp_describe returns the schema with restricted columns', async () => {
    const result = await client.callTool({ name: 'nmp_describe', arguments: { peer } });
    assert.equal(result.structuredContent.peer, peer);
    const columns = result.structuredContent.data.datasets[0].columns;
    assert.ok(columns.some((c) => c.name === 'cost_usd' && c.type === 'float'), JSON.stringify(columns));
  });

  await check('dataset schemas are resources', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.equal(resourceTemplates[0].uriTemplate, 'nmp://node/{peer}/dataset/{dataset}');
    const { resources } = await client.listResources();
    assert.equal(resources.length, 1);
    assert.equal(resources[0].uri, `nmp://node/${peer}/dataset/patients`);
    const read = await client.readResource({ uri: resources[0].uri });
    const schema = JSON.parse(read.contents[0].text);
    assert.equal(schema.peer, peer);
    assert.equal(schema.data.rows, 200);
    await rejectsWith(client.readResource({ uri: `nmp://node/${peer}/dataset/nothing` }), -32002);
  });

  await check('nmp_inspect accepts WAT and rejects an escape with structured findings', async () => {
    const ok = await client.callTool({ name: 'nmp_inspect', arguments: { wat: text('wat/hello.wat') } });
    assert.equal(ok.structuredContent.accepted, true);
    assert.equal(ok.structuredContent.report.verdict, 'accepted');
    const bad = await client.callTool({ name: 'nmp_inspect', arguments: { wasm_base64: base64('wat/escape.wasm') } });
    assert.equal(bad.structuredContent.accepted, false);
    const finding = bad.structuredContent.report.findings[0];
    assert.equal(finding.severity, 'error');
    assert.equal(finding.code, 'forbidden_import');
  });

  await check('nmp_execute returns a verified answer, with progress', async () => {
    const progress = [];
    const result = await client.callTool(
      {
        name: 'nmp_execute',
        arguments: {
          capability: CAPABILITY,
          wasm_base64: base64('c/aggregate.wasm'),
          input: text('inputs/aggregate-by-city.json'),
        },
      },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    assert.notEqual(result.isError, true, JSON.stringify(result));
    const [node] = result.structuredContent.nodes;
    assert.equal(node.status, 'answered');
    assert.equal(node.peer, peer);
    assert.equal(node.outcome, 'completed');
    assert.equal(node.receipt.verified, true);
    assert.equal(node.receipt.module_sha256, result.structuredContent.module_sha256);
    assert.equal(node.receipt.egress_verdict, 'pass');
    assert.equal(node.data.output.encoding, 'utf8');
    assert.equal(JSON.parse(node.data.output.text).rows, 200);
    assert.ok(progress.length >= 2, `progress notifications: ${JSON.stringify(progress)}`);
    assert.ok(progress.some((p) => p.message.endsWith(': running')), JSON.stringify(progress));
  });

  await check('nmp_execute on one peer, from WAT', async () => {
    const result = await client.callTool({
      name: 'nmp_execute',
      arguments: { capability: CAPABILITY, peer, wat: text('wat/hello.wat') },
    });
    const [node] = result.structuredContent.nodes;
    assert.equal(node.status, 'answered');
    assert.equal(node.outcome, 'completed');
    assert.ok(node.data.output.text.length > 0);
  });

  await check('an exfiltration attempt is blocked: a verdict, no data', async () => {
    const result = await client.callTool({
      name: 'nmp_execute',
      arguments: { capability: CAPABILITY, wasm_base64: base64('c/exfiltrate.wasm') },
    });
    const [node] = result.structuredContent.nodes;
    assert.equal(node.outcome, 'egress_blocked');
    assert.equal(node.receipt.verified, true);
    assert.equal(node.receipt.egress_verdict, 'blocked');
    assert.equal(node.data.output.text, '');
  });

  await check('a pre-flight rejection is an error result carrying the report', async () => {
    const result = await client.callTool({
      name: 'nmp_execute',
      arguments: { capability: CAPABILITY, wasm_base64: base64('wat/escape.wasm') },
    });
    assert.equal(result.isError, true);
    assert.deepEqual(result.structuredContent.nodes, []);
    assert.equal(result.structuredContent.preflight.verdict, 'rejected');
    assert.equal(result.structuredContent.preflight.findings[0].code, 'forbidden_import');
  });

  await check('bad arguments are error results the model can read, and the server lives on', async () => {
    const call = (name, args) => client.callTool({ name, arguments: args });
    const refused = async (name, args, reason) => {
      const result = await call(name, args);
      assert.equal(result.isError, true, JSON.stringify(result));
      assert.equal(result.structuredContent, undefined);
      assert.match(result.content[0].text, reason);
    };
    await refused('nmp_execute', { capability: CAPABILITY }, /exactly one of `wasm_base64` and `wat`/);
    await refused('nmp_execute', { capability: CAPABILITY, wasm_base64: '%%%' }, /not valid base64/);
    await refused('nmp_execute', { capability: CAPABILITY, wat: '(module (func' }, /does not compile/);
    await refused('nmp_execute', { capability: '', wat: '(module)' }, /capability/);
    await refused('nmp_execute', { capability: CAPABILITY, wat: '(module)', peer: 'nope' }, /PeerId/);
    await refused('nmp_execute', { capability: CAPABILITY, wat: '(module)', input: 'a', input_base64: 'AA==' }, /at most one/);
    await refused('nmp_describe', { peer: 'not-a-peer-id' }, /PeerId/);
    await refused('nmp_describe', {}, /missing field `peer`/);
    await refused('nmp_discover', { capability: 42 }, /invalid type/);
    await refused('nmp_inspect', { wat: '(module)', extra: true }, /unknown field `extra`/);
    await refused('nmp_inspect', { wasm_base64: 'A'.repeat(23_000_000) }, /larger than/);
    // An unknown tool is a protocol error.
    await rejectsWith(call('nmp_nothing', {}), ErrorCode.InvalidParams);
    const again = await call('nmp_describe', { peer });
    assert.equal(again.structuredContent.peer, peer);
  });

  await check('a cancelled call ends at once, and the server lives on', async () => {
    const controller = new AbortController();
    const running = client.callTool(
      { name: 'nmp_execute', arguments: { capability: CAPABILITY, wasm_base64: base64('wat/spin.wasm') } },
      undefined,
      {
        signal: controller.signal,
        onprogress: (p) => {
          if (p.message.endsWith(': running')) controller.abort('enough');
        },
      },
    );
    await assert.rejects(running);
    assert.ok(controller.signal.aborted, 'the call ended by cancellation, not by itself');
    const after = await client.callTool({ name: 'nmp_describe', arguments: { peer } });
    assert.equal(after.structuredContent.peer, peer);
  });
} finally {
  await stop();
}
console.log(`${passed} passed, 0 failed`);
