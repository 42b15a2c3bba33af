// A js-libp2p peer driven by JSON lines on stdin, for the interop tests of the Java stack.
// Usage: node peer.mjs [--muxer yamux|mplex] [--key ed25519|secp256k1|rsa] [--security noise|tls|plaintext]
//                      [--listen <maddr>]
// Prints {"event":"ready","peerId":..,"addrs":[..]} once listening, then answers one JSON line per command:
//   {"cmd":"dial","addr":..}                -> {"ok":true,"peer":..}
//   {"cmd":"ping","peer":..}                -> {"ok":true,"rtt":ms}
//   {"cmd":"identify","peer":..}            -> what js's peer store learnt of the peer from identify
//   {"cmd":"echo","peer":..,"size":n}       -> one /echo/1.0.0 stream carrying n bytes: sha256 sent and received
//   {"cmd":"streams","peer":..,"count":c,"size":n} -> c concurrent echo streams of n bytes each
//   {"cmd":"connections"}                   -> {"ok":true,"connections":[{"peer","encryption","muxer","direction"}]}
//   {"cmd":"stop"}
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { plaintext } from '@libp2p/plaintext'
import { tls } from '@libp2p/tls'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mplex } from '@libp2p/mplex'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'

const ECHO = '/echo/1.0.0'
const STREAM_LIMIT = 2048

function arg (name, dflt) {
  const i = process.argv.indexOf('--' + name)
  return i >= 0 ? process.argv[i + 1] : dflt
}

const keyType = { ed25519: 'Ed25519', secp256k1: 'secp256k1', rsa: 'RSA' }[arg('key', 'ed25519')]
const privateKey = keyType === 'RSA' ? await generateKeyPair('RSA', 2048) : await generateKeyPair(keyType)
const muxer = arg('muxer', 'yamux') === 'mplex'
  // js mplex closes a connection whose remote opens more than `disconnectThreshold` streams a second (default 5);
  // the concurrent-streams test opens hundreds at once
  ? mplex({ maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT, disconnectThreshold: 100_000 })
  : yamux({ maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT })

const node = await createLibp2p({
  privateKey,
  addresses: { listen: [arg('listen', '/ip4/127.0.0.1/tcp/0')] },
  transports: [tcp()],
  connectionEncrypters: [{ plaintext, tls, noise }[arg('security', 'noise')]()],
  streamMuxers: [muxer],
  connectionManager: { maxConnections: 1000 },
  services: { identify: identify(), ping: ping() }
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
}, { maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT })

const identified = new Map()
node.addEventListener('peer:identify', (evt) => {
  identified.set(evt.detail.peerId.toString(), evt.detail)
})

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

// Deterministic bytes, so both sides can check a transfer without shipping it.
function pattern (size, seed) {
  const buf = Buffer.alloc(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    buf[i] = x & 0xff
  }
  return buf
}

async function echoOnce (peer, size, seed) {
  const stream = await node.dialProtocol(peerIdFromString(peer), ECHO, { maxOutboundStreams: STREAM_LIMIT })
  const data = pattern(size, seed)
  const sent = createHash('sha256').update(data).digest('hex')
  const recv = createHash('sha256')
  let received = 0
  const reading = (async () => {
    for await (const chunk of stream) {
      const bytes = chunk.subarray()
      recv.update(bytes)
      received += bytes.length
    }
  })()
  const CHUNK = 64 * 1024
  for (let off = 0; off < data.length; off += CHUNK) {
    if (!stream.send(data.subarray(off, Math.min(off + CHUNK, data.length)))) {
      await stream.onDrain()
    }
  }
  await stream.close()
  await reading
  return { sentSha: sent, recvSha: recv.digest('hex'), received }
}

async function waitIdentified (peer, ms) {
  const end = Date.now() + ms
  while (!identified.has(peer) && Date.now() < end) {
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return identified.get(peer)
}

async function run (msg) {
  switch (msg.cmd) {
    case 'dial': {
      const conn = await node.dial(multiaddr(msg.addr))
      return { ok: true, peer: conn.remotePeer.toString(), muxer: conn.multiplexer, encryption: conn.encryption }
    }
    case 'ping': {
      const rtt = await node.services.ping.ping(peerIdFromString(msg.peer))
      return { ok: true, rtt }
    }
    case 'identify': {
      const result = await waitIdentified(msg.peer, 10_000)
      if (result == null) return { ok: false, error: 'peer was not identified within 10 s' }
      return {
        ok: true,
        peer: result.peerId.toString(),
        protocolVersion: result.protocolVersion,
        agentVersion: result.agentVersion,
        publicKey: Buffer.from(result.publicKey ?? publicKeyToProtobuf(result.peerId.publicKey)).toString('hex'),
        listenAddrs: result.listenAddrs.map(String),
        protocols: result.protocols,
        observedAddr: result.observedAddr?.toString(),
        signedPeerRecordAddrs: result.signedPeerRecord?.addresses?.map(String) ?? null
      }
    }
    case 'echo':
      return { ok: true, ...(await echoOnce(msg.peer, msg.size, msg.seed ?? 1)) }
    case 'streams': {
      const results = await Promise.all(Array.from({ length: msg.count }, (_, i) => echoOnce(msg.peer, msg.size, i + 1)))
      const good = results.filter(r => r.sentSha === r.recvSha && r.received === msg.size).length
      return { ok: true, good }
    }
    case 'connections':
      return {
        ok: true,
        connections: node.getConnections().map(c => ({
          peer: c.remotePeer.toString(), encryption: c.encryption, muxer: c.multiplexer, direction: c.direction
        }))
      }
    case 'stop':
      await node.stop()
      out({ ok: true })
      process.exit(0)
      break
    default:
      return { ok: false, error: 'unknown command ' + msg.cmd }
  }
}

out({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  let msg
  try {
    msg = JSON.parse(line)
  } catch (err) {
    out({ ok: false, error: 'not JSON: ' + line })
    return
  }
  run(msg).then(out, (err) => out({ ok: false, error: String(err?.message ?? err) }))
})
lines.on('close', () => { node.stop().then(() => process.exit(0)) })
