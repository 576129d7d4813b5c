// The TypeScript twin of `nmp demo`: an agent finds the hospitals serving
// `demo.hospital/patients` through the DHT, sends an honest aggregate to each and prints the
// verified answers, then shows that an exfiltration attempt is blocked and an import escape
// rejected — every answer opened and its receipt checked before it is printed.
//
//   node dist/agent.js --bootstrap /ip4/127.0.0.1/tcp/7701/p2p/12D3KooW...   (a running mesh)
//   node dist/agent.js --spawn                          (starts two local `nmp node`s first)

import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { connect, outcomeName, pb, toHex, verdictName } from '@nmp/sdk'
import type { Answer, NodeAnswer } from '@nmp/sdk'

import { startHospitals } from './nodes.js'

const CAPABILITY = 'demo.hospital/patients'
const QUESTION = '{"group_by":"diagnosis","metric":["age","cost_usd"],"min_count":5}'
const logic = (path: string): Uint8Array =>
  new Uint8Array(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../logic', path)))

function verified (node: NodeAnswer): Answer {
  if (!node.ok) throw new Error(`${node.peer}: ${node.error.code}: ${node.error.message}`)
  return node.answer
}

async function main (): Promise<void> {
  const args = process.argv.slice(2)
  const at = args.indexOf('--bootstrap')
  const local = args.includes('--spawn') ? await startHospitals() : undefined
  const bootstrap = at >= 0 ? [args[at + 1]!] : (local?.nodes.map((n) => n.addr) ?? [])
  if (bootstrap.length === 0) throw new Error('usage: agent.js --bootstrap MULTIADDR | --spawn')
  const agent = await connect({ bootstrap })
  try {
    console.log(`Agent ${agent.peerId}`)
    console.log(`\n1. Discovering \`${CAPABILITY}\` through the DHT`)
    let discovery = await agent.discover(CAPABILITY)
    for (let i = 0; discovery.providers.length < bootstrap.length && i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      discovery = await agent.discover(CAPABILITY)
    }
    for (const provider of discovery.providers) {
      const dataset = provider.document.datasets.find((d) => d.capability === CAPABILITY)!
      console.log(`   ${provider.peer}: ${dataset.name}, ${dataset.rowCount} rows, columns ${dataset.columns.map((c) => c.name + (c.restricted ? ' (restricted)' : '')).join(', ')}`)
    }
    for (const { peer, error } of discovery.failed) console.log(`   ${peer}: refused (${error.code}: ${error.message})`)
    if (discovery.providers.length < (local?.nodes.length ?? 1)) throw new Error(`discovered ${discovery.providers.length} of the ${local?.nodes.length ?? 1} nodes expected`)

    console.log('\n2. Honest question: patients, mean age and mean cost per diagnosis')
    const honest = await agent.executeDiscovered(discovery, { capability: CAPABILITY, wasm: logic('c/aggregate.wasm'), input: new TextEncoder().encode(QUESTION) }, {
      onStatus: (peer, status) => { console.log(`   ${peer.slice(-8)} ${pb.Stage[status.stage]?.toLowerCase() ?? status.stage}`) }
    })
    for (const node of honest) {
      const answer = verified(node)
      console.log(`   ${node.peer}: ${outcomeName(answer.outcome)}, egress ${verdictName(answer.egress.verdict)}, receipt verified (module ${toHex(answer.receiptBody.moduleSha256).slice(0, 16)}…, dataset ${toHex(answer.receiptBody.datasets[0]?.sha256 ?? new Uint8Array()).slice(0, 16)}…)`)
      console.log(`   ${new TextDecoder().decode(answer.output).trim()}`)
    }

    console.log('\n3. Hostile logic')
    for (const node of await agent.executeDiscovered(discovery, { capability: CAPABILITY, wasm: logic('c/exfiltrate.wasm') })) {
      const answer = verified(node)
      if (answer.outcome !== pb.Outcome.EGRESS_BLOCKED || answer.output.length > 0) throw new Error(`${node.peer} let the exfiltration through`)
      console.log(`   exfiltrate.wasm on ${node.peer}: ${outcomeName(answer.outcome)} (${answer.egress.categories.join(', ')}), nothing left the node; receipted`)
    }
    for (const node of await agent.executeDiscovered(discovery, { capability: CAPABILITY, wasm: logic('wat/escape.wasm') })) {
      const answer = verified(node)
      if (answer.outcome !== pb.Outcome.REJECTED) throw new Error(`${node.peer} ran the import escape`)
      console.log(`   escape.wasm on ${node.peer}: ${outcomeName(answer.outcome)} by the node's Guardian: ${answer.guardian.findings.map((f) => f.code).join(', ')}`)
    }
    console.log('\nDone: every answer above opened under its request key and its receipt verified.')
  } finally {
    await agent.stop()
    local?.stop()
  }
}

main().catch((err: unknown) => {
  console.error(`agent: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
