// js-libp2p nodes with @libp2p/circuit-relay-v2 (client transport, and a relay server on request), for the relay
// interop test, driven by JSON lines on stdin; one JSON line answers each command, in order, with "ok" (and
// "error" when false) and "ms".
//   {"cmd":"start","name":..,"server":"true"|"false","relay":<relay maddr with /p2p/ or "">}
//        a node (TCP, Noise, Yamux, identify, the relay transport, echo allowed on limited connections); with a
//        relay it reserves a slot there and answers once it has a /p2p-circuit address: {"peerId","addrs"}
//   {"cmd":"echo","name":..,"addr":..,"size":n}   dials addr, one /echo/1.0.0 stream of n bytes:
//        {"same":true|false,"limited":true|false,"remoteAddr":..}
//   {"cmd":"stop"}
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { multiaddr } from '@multiformats/multiaddr'
import { randomBytes } from 'node:crypto'
import { out, serve } from './lines.mjs'

const ECHO = '/echo/1.0.0'
const nodes = new Map()


async function until (cond, ms) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await cond()) return true
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return cond()
}

async function start (msg) {
  const services = { identify: identify() }
  if (msg.server === 'true') {
    services.relay = circuitRelayServer()
  }
  const listen = ['/ip4/127.0.0.1/tcp/0']
  if (msg.relay) {
    listen.push(msg.relay + '/p2p-circuit')
  }
  const node = await createLibp2p({
    addresses: { listen },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services,
    // js refuses a host's inbound connections past 5 a second by default; every peer of the test is on loopback
    connectionManager: { inboundConnectionThreshold: 1000 }
  })
  await node.handle(ECHO, async (stream) => {
    try {
      for await (const chunk of stream) {
        if (!stream.send(chunk)) {
          await stream.onDrain()
        }
      }
      await stream.close()
    } catch (err) {
      stream.abort(err)
    }
  }, { runOnLimitedConnection: true })
  nodes.set(msg.name, node)
  const circuit = () => node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit'))
  if (msg.relay && !await until(circuit, 15_000)) {
    throw new Error('no reservation on ' + msg.relay + ' within 15 s')
  }
  return { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) }
}

async function echo (msg) {
  const node = nodes.get(msg.name)
  const conn = await node.dial(multiaddr(msg.addr), { signal: AbortSignal.timeout(15_000) })
  const stream = await conn.newStream(ECHO, { runOnLimitedConnection: true, signal: AbortSignal.timeout(15_000) })
  const data = randomBytes(msg.size)
  const chunks = []
  const reading = (async () => {
    for await (const chunk of stream) {
      chunks.push(Buffer.from(chunk.subarray()))
    }
  })()
  if (!stream.send(data)) {
    await stream.onDrain()
  }
  await stream.close()
  await reading
  return { same: Buffer.concat(chunks).equals(data), limited: conn.limits != null, remoteAddr: conn.remoteAddr.toString() }
}

async function run (msg) {
  switch (msg.cmd) {
    case 'start':
      return start(msg)
    case 'echo':
      return echo(msg)
    default:
      throw new Error('unknown command ' + msg.cmd)
  }
}

async function stop () {
  await Promise.allSettled([...nodes.values()].map(n => n.stop()))
}

out({ event: 'ready' })

serve(run, stop)
