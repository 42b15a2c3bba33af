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
import { createHash, randomBytes } from 'node:crypto'

const ECHO = '/echo/1.0.0'
const HANDLED = '/jlibp2p/interop/handler/1.0.0'
const PING = new TextEncoder().encode('ping from js')
const MIB = 1 << 20

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

// Sends bytes in 64 KiB chunks, waiting whenever the stream asks to.
async function sendAll (stream, bytes) {
  for (let off = 0; off < bytes.length; off += 65536) {
    if (!stream.send(bytes.subarray(off, off + 65536))) await stream.onDrain()
  }
}

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
  // then 1 MiB of random bytes out through the daemon and back, read while it is sent
  const out1 = randomBytes(MIB)
  const back = readN(stream, MIB)
  await sendAll(stream, out1)
  const back1 = (await back).subarray(0, MIB)
  await stream.close()
  out({ step: 'openStream', echoed, sent: MIB, sentSha256: sha256(out1), echoedBytes: back1.length, echoedSha256: sha256(back1) })

  // The handler reads the peer's PING and 1 MiB, answers with a reply line and 1 MiB of its own.
  let resolveReceived, rejectReceived
  const received = new Promise((resolve, reject) => { resolveReceived = resolve; rejectReceived = reject })
  const answer = randomBytes(MIB)
  await client.registerStreamHandler(HANDLED, async (s) => {
    try {
      const all = await readN(s, PING.length + MIB)
      const data = all.subarray(0, PING.length).toString()
      const upload = all.subarray(PING.length, PING.length + MIB)
      s.send(new TextEncoder().encode('reply to ' + data))
      await sendAll(s, answer)
      resolveReceived({ data, bytes: upload.length, sha256: sha256(upload) })
    } catch (err) {
      rejectReceived(err)
    }
  })
  // the registration has been answered: the daemon routes the protocol to this client from now on
  out({ step: 'registerStreamHandler', protocol: HANDLED })
  const inbound = await peer.dialProtocol(id.peerId, HANDLED)
  const upload = randomBytes(MIB)
  const replyLength = 'reply to '.length + PING.length
  const replyRead = readN(inbound, replyLength + MIB)
  inbound.send(PING)
  await sendAll(inbound, upload)
  const replyAll = (await replyRead).subarray(0, replyLength + MIB)
  const reply = replyAll.subarray(0, replyLength).toString()
  const download = replyAll.subarray(replyLength)
  await inbound.close()
  const handler = await received
  out({
    step: 'inboundStream',
    handlerReceived: handler.data,
    peerReceived: reply,
    uploadSent: MIB,
    uploadSha256: sha256(upload),
    handlerReceivedBytes: handler.bytes,
    handlerReceivedSha256: handler.sha256,
    answerSent: MIB,
    answerSha256: sha256(answer),
    peerReceivedBytes: download.length,
    peerReceivedSha256: sha256(download)
  })
  out({ done: true })
} catch (err) {
  out({ error: String(err?.stack ?? err) })
  process.exitCode = 1
} finally {
  await peer.stop()
  process.exit()
}
