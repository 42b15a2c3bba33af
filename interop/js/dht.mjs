// js-libp2p Kademlia DHT nodes (@libp2p/kad-dht, server mode, loopback addresses kept) in one process, and a
// @libp2p/daemon-client for the Java daemons, driven by JSON lines on stdin, for the DHT interop tests.
// Usage: node dht.mjs [--nodes n]
// Prints {"event":"ready","nodes":[{"peerId":..,"addrs":[..]}..]}, then answers one JSON line per command; every
// answer carries "ms", the time the operation took, and "ok" (with "error" when false). Keys and values are base64, CIDs strings.
//   {"cmd":"dial","node":i,"addr":..}                 node i dials addr (with /p2p/<id>)
//   {"cmd":"waitTable","node":i,"peer":..,"ms":n}     until peer is in node i's routing table
//   {"cmd":"connected","node":i,"peer":..}            {"connected":bool}
//   {"cmd":"pkRecord"}                                a fresh RSA key's /pk/ record: {"peer","key","value"}
//   {"cmd":"findPeer","node":i,"peer":..}             {"addrs":[..]}
//   {"cmd":"put","node":i,"key":..,"value":..}
//   {"cmd":"get","node":i,"key":..}                   {"value":..}
//   {"cmd":"provide","node":i,"cid":..}
//   {"cmd":"findProviders","node":i,"cid":..}         {"providers":[{"id","addrs"}..]} (the first one found)
//   {"cmd":"closest","node":i,"key":..}               {"peers":[..]}
//   {"cmd":"daemon","control":maddr,"op":findPeer|put|get|publicKey|provide|findProviders|closest|listPeers, ...}
//                                                     the same through the daemon client (peer, key, value, cid)
//   {"cmd":"stop"}
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { createClient } from '@libp2p/daemon-client'
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { createInterface } from 'node:readline'

function arg (name, dflt) {
  const i = process.argv.indexOf('--' + name)
  return i >= 0 ? process.argv[i + 1] : dflt
}

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64')
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'))

const nodes = []
for (let i = 0; i < Number(arg('nodes', '2')); i++) {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      ping: ping(),
      // the public protocol id; loopback addresses kept, as a LAN DHT does
      dht: kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper })
    }
  })
  await node.services.dht.setMode('server')
  nodes.push(node)
}

async function waitTable (dht, peer, ms) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await dht.routingTable.find(peer) != null) return true
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return false
}

async function jsOp (msg) {
  const node = nodes[msg.node]
  const dht = node.services.dht
  const signal = AbortSignal.timeout(30_000)
  switch (msg.cmd) {
    case 'dial': {
      const conn = await node.dial(multiaddr(msg.addr))
      return { peer: conn.remotePeer.toString() }
    }
    case 'waitTable': {
      if (!await waitTable(dht, peerIdFromString(msg.peer), msg.ms ?? 10_000)) {
        throw new Error(msg.peer + ' did not enter the routing table of js node ' + msg.node)
      }
      return {}
    }
    case 'connected':
      return { connected: node.getConnections(peerIdFromString(msg.peer)).length > 0 }
    case 'findPeer': {
      for await (const ev of dht.findPeer(peerIdFromString(msg.peer), { signal })) {
        if (ev.name === 'FINAL_PEER' && ev.peer.id.toString() === msg.peer) {
          return { addrs: ev.peer.multiaddrs.map(String) }
        }
      }
      throw new Error('not found')
    }
    case 'put':
      for await (const ev of dht.put(unb64(msg.key), unb64(msg.value), { signal })) { void ev }
      return {}
    case 'get':
      for await (const ev of dht.get(unb64(msg.key), { signal })) {
        if (ev.name === 'VALUE') return { value: b64(ev.value) }
      }
      throw new Error('not found')
    case 'provide':
      for await (const ev of dht.provide(CID.parse(msg.cid), { signal })) { void ev }
      return {}
    case 'findProviders':
      for await (const ev of dht.findProviders(CID.parse(msg.cid), { signal })) {
        if (ev.name === 'PROVIDER' && ev.providers.length > 0) {
          return { providers: ev.providers.map(p => ({ id: p.id.toString(), addrs: p.multiaddrs.map(String) })) }
        }
      }
      throw new Error('no provider found')
    case 'closest': {
      const peers = new Set()
      for await (const ev of dht.getClosestPeers(unb64(msg.key), { signal })) {
        if (ev.name === 'FINAL_PEER') peers.add(ev.peer.id.toString())
      }
      return { peers: [...peers] }
    }
    default:
      throw new Error('unknown command ' + msg.cmd)
  }
}

async function daemonOp (msg) {
  const client = createClient(multiaddr(msg.control))
  switch (msg.op) {
    case 'findPeer': {
      const found = await client.dht.findPeer(peerIdFromString(msg.peer))
      return { id: found.id.toString(), addrs: found.multiaddrs.map(String) }
    }
    case 'put':
      await client.dht.put(unb64(msg.key), unb64(msg.value))
      return {}
    case 'get':
      return { value: b64(await client.dht.get(unb64(msg.key))) }
    case 'publicKey':
      return { value: b64(await client.dht.getPublicKey(peerIdFromString(msg.peer))) }
    case 'provide':
      await client.dht.provide(CID.parse(msg.cid))
      return {}
    case 'findProviders': {
      const providers = []
      for await (const p of client.dht.findProviders(CID.parse(msg.cid), msg.count ?? 1)) {
        providers.push({ id: p.id.toString(), addrs: p.multiaddrs.map(String) })
      }
      return { providers }
    }
    case 'closest': {
      const peers = []
      for await (const p of client.dht.getClosestPeers(unb64(msg.key))) peers.push(p.id.toString())
      return { peers }
    }
    case 'listPeers':
      return { peers: (await client.listPeers()).map(String) }
    default:
      throw new Error('unknown daemon op ' + msg.op)
  }
}

async function run (msg) {
  const t0 = Date.now()
  let result
  if (msg.cmd === 'daemon') {
    result = await daemonOp(msg)
  } else if (msg.cmd === 'pkRecord') {
    const key = await generateKeyPair('RSA', 2048)
    const peer = peerIdFromPublicKey(key.publicKey)
    const pk = new Uint8Array([...new TextEncoder().encode('/pk/'), ...peer.toMultihash().bytes])
    result = { peer: peer.toString(), key: b64(pk), value: b64(publicKeyToProtobuf(key.publicKey)) }
  } else if (msg.cmd === 'stop') {
    await Promise.all(nodes.map(n => n.stop()))
    out({ ok: true })
    process.exit(0)
  } else {
    result = await jsOp(msg)
  }
  return { ok: true, ms: Date.now() - t0, ...result }
}

out({ event: 'ready', nodes: nodes.map(n => ({ peerId: n.peerId.toString(), addrs: n.getMultiaddrs().map(String) })) })

// One command at a time, in order: each answer is the next line.
let chain = Promise.resolve()
createInterface({ input: process.stdin }).on('line', (line) => {
  chain = chain.then(async () => {
    const t0 = Date.now()
    try {
      out(await run(JSON.parse(line)))
    } catch (err) {
      out({ ok: false, ms: Date.now() - t0, error: String(err?.message ?? err) })
    }
  })
}).on('close', async () => {
  await chain
  await Promise.all(nodes.map(n => n.stop()))
  process.exit(0)
})
