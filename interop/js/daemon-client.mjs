// Drives a libp2p daemon through its control socket with @libp2p/daemon-client, against an in-process js-libp2p
// peer. Usage: node daemon-client.mjs <control multiaddr>
// Prints one JSON line per step ({"step":..,...}) and a final {"done":true}; exits non-zero on the first failure.
import { createClient } from '@libp2p/daemon-client'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'

const ECHO = '/echo/1.0.0'
const HANDLED = '/jlibp2p/interop/handler/1.0.0'
const PING = new TextEncoder().encode('ping from js')

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

// Reads exactly n bytes. The daemon client's sockets are not half-closable (closing one ends both directions), so
// these exchanges are delimited by their known lengths rather than by end-of-stream.
async function readN (stream, n) {
  const parts = []
  let got = 0
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk.subarray())
    parts.push(bytes)
    got += bytes.length
    if (got >= n) break
  }
  return Buffer.concat(parts)
}

const peer = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify() }
})
await peer.handle(ECHO, async (stream) => {
  for await (const chunk of stream) {
    if (!stream.send(chunk)) await stream.onDrain()
  }
  await stream.close()
})

const client = createClient(multiaddr(process.argv[2]))
try {
  const id = await client.identify()
  out({ step: 'identify', peerId: id.peerId.toString(), addrs: id.addrs.map(String) })

  await client.connect(peer.peerId, peer.getMultiaddrs())
  out({ step: 'connect', peer: peer.peerId.toString() })

  const peers = (await client.listPeers()).map(String)
  out({ step: 'listPeers', peers, includesJsPeer: peers.includes(peer.peerId.toString()) })

  const hello = new TextEncoder().encode('hello through the daemon')
  const stream = await client.openStream(peer.peerId, ECHO)
  stream.send(hello)
  const echoed = (await readN(stream, hello.length)).toString()
  await stream.close()
  out({ step: 'openStream', echoed })

  const received = new Promise((resolve, reject) => {
    client.registerStreamHandler(HANDLED, async (s) => {
      try {
        const data = (await readN(s, PING.length)).toString()
        s.send(new TextEncoder().encode('reply to ' + data))
        resolve(data)
      } catch (err) {
        reject(err)
      }
    }).then(() => out({ step: 'registerStreamHandler', protocol: HANDLED }), reject)
  })
  // wait for the registration to be answered before the peer dials in
  await new Promise(resolve => setTimeout(resolve, 200))
  const inbound = await peer.dialProtocol(id.peerId, HANDLED)
  inbound.send(PING)
  const reply = (await readN(inbound, 'reply to '.length + PING.length)).toString()
  await inbound.close()
  out({ step: 'inboundStream', handlerReceived: await received, peerReceived: reply })
  out({ done: true })
} catch (err) {
  out({ error: String(err?.stack ?? err) })
  process.exitCode = 1
} finally {
  await peer.stop()
  process.exit()
}
