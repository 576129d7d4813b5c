// A headless browser (Debian's chromium, driven by playwright-core: no browser download) loads a
// page using the browser bundle, runs a job on a real Rust node over WebSocket and shows the
// verified result. Skipped, saying so, when no chromium is installed (`CHROMIUM` names it).

import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'

import { chromium } from 'playwright-core'

import { example } from './support/modules.js'
import { PATIENTS, startNode } from './support/node.js'
import type { RunningNode } from './support/node.js'
import { repo } from './support/paths.js'

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>nmp agent</title>
<pre id="out">running</pre>
<script type="module">
  import { connect, outcomeName, verifyReceipt } from './nmp-sdk.browser.js'
  const out = document.getElementById('out')
  try {
    const params = new URLSearchParams(location.search)
    const wasm = new Uint8Array(await (await fetch('./hello.wasm')).arrayBuffer())
    const agent = await connect()
    const peer = await agent.dial(params.get('node'))
    const answer = await agent.execute(peer, { capability: params.get('capability'), wasm, input: new TextEncoder().encode('from a browser') })
    const body = await verifyReceipt(answer.receipt, { output: answer.output })
    out.textContent = JSON.stringify({ peer, outcome: outcomeName(answer.outcome), output: new TextDecoder().decode(answer.output), capability: body.capability })
    await agent.stop()
  } catch (err) {
    out.textContent = 'error: ' + (err.code ?? '') + ' ' + err.message
  }
</script>`

let node: RunningNode
let server: ReturnType<typeof createServer>
let base: string

before(async () => {
  node = await startNode({ ws: true })
  const bundle = readFileSync(repo('ts/sdk/dist/nmp-sdk.browser.js'))
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const [type, body] = path === '/' ? ['text/html', PAGE]
      : path === '/nmp-sdk.browser.js' ? ['text/javascript', bundle]
        : path === '/hello.wasm' ? ['application/wasm', example('wat/hello.wasm')] : [undefined, undefined]
    if (type === undefined) { res.writeHead(404).end(); return }
    res.writeHead(200, { 'content-type': type }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})

after(async () => {
  server?.close()
  await node?.stop()
})

test('a page using the browser bundle runs a job over WebSocket and shows the verified result', { skip: existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM}` }, async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] })
  try {
    const page = await browser.newPage()
    const url = `${base}?node=${encodeURIComponent(node.ws!)}&capability=${encodeURIComponent(PATIENTS)}`
    await page.goto(url)
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', undefined, { timeout: 60_000 })
    const text = await page.textContent('#out')
    assert.ok(text?.startsWith('{'), text ?? '')
    const shown = JSON.parse(text ?? '') as { peer: string, outcome: string, output: string, capability: string }
    assert.deepEqual(shown, { peer: node.peer, outcome: 'completed', output: '{"hello":14}\n', capability: PATIENTS })
  } finally {
    await browser.close()
  }
})
