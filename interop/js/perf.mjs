// The /perf/1.0.0 protocol (libp2p/specs perf/perf.md) between two js-libp2p nodes over TCP, Noise and Yamux, for
// bin/bench's js-js case. The client asks for a number of bytes (8-byte big-endian), uploads until it half-closes,
// then reads what the server sends back.
//   node perf.mjs server                          -> prints {"addr": "<multiaddr with /p2p/>"} and serves
//   node perf.mjs client --addr A --size N --runs R [--warmup W] [--paced]   (W bytes each way first, uncounted)
//       -> per run, on a fresh connection, prints {"setup_ms":..,"upload_s":..,"download_s":..}
//          --paced: prints {"ready":true} after the warm-up, then starts each run when a line arrives on stdin
//          (so that a caller can interleave these runs with others)
// setup_ms is dial + upgrade + one empty perf exchange; upload_s and download_s each time a whole exchange that
// moves N bytes one way, until the last byte is known to have arrived.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createInterface } from 'node:readline'

const PERF = '/perf/1.0.0'
const CHUNK = 64 * 1024

function arg (name, dflt) {
  const i = process.argv.indexOf('--' + name)
  return i >= 0 ? process.argv[i + 1] : dflt
}

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

async function node (listen) {
  return createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 1000 }
  })
}

async function sendZeros (stream, count) {
  const chunk = new Uint8Array(CHUNK)
  let left = count
  while (left > 0) {
    const n = Math.min(CHUNK, left)
    if (!stream.send(n === CHUNK ? chunk : chunk.subarray(0, n))) {
      await stream.onDrain()
    }
    left -= n
  }
}

async function serve (stream) {
  try {
    let header = null
    let pending = []
    let pendingLength = 0
    for await (const chunk of stream) {
      if (header == null) {
        const bytes = chunk.subarray()
        pending.push(bytes)
        pendingLength += bytes.length
        if (pendingLength >= 8) {
          header = Buffer.concat(pending)
          pending = null
        }
      }
    }
    if (header == null) throw new Error('perf request ended before its 8-byte length')
    await sendZeros(stream, Number(header.readBigUInt64BE(0)))
    await stream.close()
  } catch (err) {
    stream.abort(err)
  }
}

async function exchange (conn, upload, download) {
  const stream = await conn.newStream(PERF)
  const request = Buffer.alloc(8)
  request.writeBigUInt64BE(BigInt(download))
  let received = 0
  const reading = (async () => {
    for await (const chunk of stream) {
      received += chunk.byteLength
    }
  })()
  stream.send(request)
  await sendZeros(stream, upload)
  await stream.close()
  await reading
  if (received !== download) throw new Error(`perf server sent ${received} of ${download} bytes`)
}

if (process.argv[2] === 'server') {
  const server = await node(true)
  await server.handle(PERF, serve)
  out({ addr: server.getMultiaddrs()[0].toString() })
  process.stdin.resume()
  process.stdin.on('end', () => { server.stop().then(() => process.exit(0)) })
} else {
  const addr = multiaddr(arg('addr'))
  const size = Number(arg('size', String(1 << 30)))
  const runs = Number(arg('runs', '3'))
  const warmup = Number(arg('warmup', '0'))
  const client = await node(false)
  if (warmup > 0) {
    // uncounted: lets V8 optimise the data path before the timed runs
    const conn = await client.dial(addr)
    await exchange(conn, warmup, warmup)
    await conn.close()
  }
  const paced = process.argv.includes('--paced')
  const lines = paced ? createInterface({ input: process.stdin })[Symbol.asyncIterator]() : null
  if (paced) out({ ready: true })
  for (let i = 0; i < runs; i++) {
    if (paced && (await lines.next()).done) break
    let t = process.hrtime.bigint()
    const conn = await client.dial(addr)
    await exchange(conn, 0, 0)
    const setupMs = Number(process.hrtime.bigint() - t) / 1e6
    t = process.hrtime.bigint()
    await exchange(conn, size, 0)
    const uploadS = Number(process.hrtime.bigint() - t) / 1e9
    t = process.hrtime.bigint()
    await exchange(conn, 0, size)
    const downloadS = Number(process.hrtime.bigint() - t) / 1e9
    await conn.close()
    out({ setup_ms: setupMs, upload_s: uploadS, download_s: downloadS })
  }
  await client.stop()
  process.exit(0)
}
