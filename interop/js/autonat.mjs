// A js-libp2p node for the AutoNAT interop tests, driven by JSON lines on stdin. It runs @libp2p/autonat (v1, as
// server and client) and speaks AutoNAT v1 and v2 to a jlibp2p server with the messages of @libp2p/autonat and
// @libp2p/autonat-v2 (their own protobuf codecs), answering v2 dial-backs itself.
// Usage: node autonat.mjs
// Prints {"event":"ready","peerId":..,"addrs":[..]} (it listens on 127.0.0.1 and 127.0.0.2), then one answer a line:
//   {"cmd":"dial","addr":..}                          connects to addr (with /p2p/<id>)
//   {"cmd":"v1","addr":..,"ask":"maddr,.."}             DIAL to the server at addr, for our own addresses "ask":
//                                                     {"status","text","addr"}
//   {"cmd":"v2","addr":..,"ask":"maddr,.."}             DialRequest with a fresh nonce; pays what DialDataRequest asks:
//                                                     {"status","dialStatus","addrIdx","dialData","dialedBack"}
//   {"cmd":"stop"}
// Every answer carries "ok" (with "error" when false).
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { autoNAT } from '@libp2p/autonat'
import { pbStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { randomBytes } from 'node:crypto'
import { out, serve } from './lines.mjs'

const v1pb = await import(new URL('./node_modules/@libp2p/autonat/dist/src/pb/index.js', import.meta.url))
const v2pb = await import(new URL('./node_modules/@libp2p/autonat-v2/dist/src/pb/index.js', import.meta.url))

const V1 = '/libp2p/autonat/1.0.0'
const V2_REQUEST = '/libp2p/autonat/2/dial-request'
const V2_BACK = '/libp2p/autonat/2/dial-back'


const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.2/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify(), autonat: autoNAT() },
  // js refuses a host's inbound connections past 5 a second by default; the tests' client, server and dial-back
  // swarms all connect from 127.0.0.1 in quick succession
  connectionManager: { inboundConnectionThreshold: 1000, maxConnections: 1000 }
})

// v2 dial-backs: the nonces that came back, answered OK.
const nonces = new Set()
await node.handle(V2_BACK, async (stream) => {
  try {
    const s = pbStream(stream, { maxDataLength: 1024 })
    const back = await s.read(v2pb.DialBack, { signal: AbortSignal.timeout(10_000) })
    nonces.add(BigInt.asUintN(64, BigInt(back.nonce)).toString())
    await s.write({ status: v2pb.DialBackResponse.DialBackStatus.OK }, v2pb.DialBackResponse)
    await stream.close()
  } catch (err) {
    stream.abort(err)
  }
})

const statusName = (e, v) => Object.keys(e).find(k => e[k] === v) ?? String(v)

async function run (msg) {
  const signal = AbortSignal.timeout(30_000)
  switch (msg.cmd) {
    case 'dial': {
      const conn = await node.dial(multiaddr(msg.addr), { signal })
      return { peer: conn.remotePeer.toString() }
    }
    case 'v1': {
      const stream = await node.dialProtocol(multiaddr(msg.addr), V1, { signal })
      const s = pbStream(stream, { maxDataLength: 4096 }).pb(v1pb.Message)
      await s.write({
        type: v1pb.Message.MessageType.DIAL,
        dial: { peer: { id: node.peerId.toMultihash().bytes, addrs: msg.ask.split(',').map(a => multiaddr(a).bytes) } }
      }, { signal })
      const res = await s.read({ signal })
      await stream.close()
      const r = res.dialResponse
      return {
        type: statusName(v1pb.Message.MessageType, res.type),
        status: statusName(v1pb.Message.ResponseStatus, r?.status),
        text: r?.statusText ?? '',
        addr: r?.addr != null ? multiaddr(r.addr).toString() : null
      }
    }
    case 'v2': {
      const nonce = randomBytes(8).readBigUInt64BE()
      const stream = await node.dialProtocol(multiaddr(msg.addr), V2_REQUEST, { signal })
      const s = pbStream(stream, { maxDataLength: 8192 }).pb(v2pb.Message)
      await s.write({ dialRequest: { addrs: msg.ask.split(',').map(a => multiaddr(a).bytes), nonce } }, { signal })
      let paid = 0
      for (let i = 0; i < 4; i++) {
        const m = await s.read({ signal })
        if (m.dialDataRequest != null) {
          const want = Number(m.dialDataRequest.numBytes)
          const chunk = new Uint8Array(4096)
          while (paid < want) {
            const n = Math.min(4096, want - paid)
            await s.write({ dialDataResponse: { data: chunk.subarray(0, n) } }, { signal })
            paid += n
          }
          continue
        }
        const r = m.dialResponse
        await stream.close()
        return {
          status: statusName(v2pb.DialResponse.ResponseStatus, r.status),
          dialStatus: statusName(v2pb.DialStatus, r.dialStatus),
          addrIdx: r.addrIdx,
          dialData: paid,
          dialedBack: nonces.has(BigInt.asUintN(64, nonce).toString())
        }
      }
      throw new Error('no dial response')
    }
    default:
      throw new Error('unknown command ' + msg.cmd)
  }
}

out({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

serve(run, () => node.stop())
