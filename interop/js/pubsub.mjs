// js-libp2p pubsub nodes (@libp2p/gossipsub or @libp2p/floodsub, strict signing) in one process, and a
// @libp2p/daemon-client for the Java daemons' PUBSUB requests, driven by JSON lines on stdin, for the pubsub
// interop test.
// Usage: node pubsub.mjs --routers gossipsub,floodsub,...   (one js node per entry)
// Prints {"event":"ready","nodes":[{"peerId":..,"addrs":[..],"router":..}..]}, then answers one JSON line per
// command, in order; every answer carries "ok" (with "error" when false) and "ms". Data is base64.
//   {"cmd":"dial","node":i,"addr":..}                       node i dials addr (with /p2p/<id>)
//   {"cmd":"subscribe","node":i,"topic":..}
//   {"cmd":"publish","node":i,"topic":..,"data":..}
//   {"cmd":"waitPeers","node":i,"topic":..,"peers":"a,b","ms":n}   until node i sees all of them in the topic
//   {"cmd":"waitReceived","node":i,"topic":..,"count":n|"data":..,"ms":n}
//                                   {"messages":[{"from","data","seqno","signed"}..]} once n arrived (or one with
//                                   that data) or time is up
//   the same with "control":maddr instead of "node" for a Java daemon, through the daemon client
//   (subscribe keeps the subscription's stream open and collects what it carries), and
//   {"cmd":"topics","control":maddr}                        {"topics":[..]} (GET_TOPICS)
//   {"cmd":"stop"}
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { gossipsub } from '@libp2p/gossipsub'
import { floodsub } from '@libp2p/floodsub'
import { createClient } from '@libp2p/daemon-client'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { out, serve } from './lines.mjs'

function arg (name, dflt) {
  const i = process.argv.indexOf('--' + name)
  return i >= 0 ? process.argv[i + 1] : dflt
}


const b64 = (bytes) => Buffer.from(bytes ?? new Uint8Array()).toString('base64')
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'))
const hex = (bytes) => Buffer.from(bytes ?? new Uint8Array()).toString('hex')
const seqHex = (n) => n == null ? '' : n.toString(16).padStart(16, '0')

const routers = arg('routers', 'gossipsub').split(',')
const nodes = []
// what each subscriber received, per node index or daemon control address, then per topic
const received = new Map()

function inbox (who, topic) {
  if (!received.has(who)) received.set(who, new Map())
  const topics = received.get(who)
  if (!topics.has(topic)) topics.set(topic, [])
  return topics.get(topic)
}

for (const [i, router] of routers.entries()) {
  const pubsub = router === 'floodsub'
    ? floodsub({ globalSignaturePolicy: 'StrictSign' })
    : gossipsub({ globalSignaturePolicy: 'StrictSign', emitSelf: false, allowPublishToZeroTopicPeers: false })
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub }
  })
  node.services.pubsub.addEventListener('message', (e) => {
    const m = e.detail
    inbox(i, m.topic).push({
      from: m.type === 'signed' ? m.from.toString() : '',
      data: b64(m.data),
      seqno: m.type === 'signed' ? seqHex(m.sequenceNumber) : '',
      signed: m.type === 'signed' && m.signature != null && m.signature.length > 0
    })
  })
  nodes.push(node)
}

const clients = new Map()
function client (control) {
  if (!clients.has(control)) clients.set(control, createClient(multiaddr(control)))
  return clients.get(control)
}
const subscriptions = []

async function until (cond, ms) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await cond()) return true
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return cond()
}

async function subscribers (msg) {
  if (msg.control != null) return (await client(msg.control).pubsub.getSubscribers(msg.topic)).map(String)
  return nodes[msg.node].services.pubsub.getSubscribers(msg.topic).map(String)
}

async function run (msg) {
  const who = msg.control ?? msg.node
  switch (msg.cmd) {
    case 'dial':
      return { peer: (await nodes[msg.node].dial(multiaddr(msg.addr))).remotePeer.toString() }
    case 'subscribe': {
      if (msg.control == null) {
        nodes[msg.node].services.pubsub.subscribe(msg.topic)
        return {}
      }
      const sub = await client(msg.control).pubsub.subscribe(msg.topic)
      subscriptions.push(sub)
      const box = inbox(who, msg.topic);
      (async () => {
        try {
          for await (const m of sub.messages()) {
            box.push({
              from: m.from == null ? '' : peerIdFromMultihash(Digest.decode(m.from)).toString(),
              data: b64(m.data),
              seqno: hex(m.seqno),
              signed: m.signature != null && m.signature.length > 0
            })
          }
        } catch { /* the subscription ended */ }
      })()
      return {}
    }
    case 'publish':
      if (msg.control != null) {
        await client(msg.control).pubsub.publish(msg.topic, unb64(msg.data))
      } else {
        await nodes[msg.node].services.pubsub.publish(msg.topic, unb64(msg.data))
      }
      return {}
    case 'waitPeers': {
      const want = msg.peers.split(',')
      let seen = []
      const ok = await until(async () => {
        seen = await subscribers(msg)
        return want.every(p => seen.includes(p))
      }, msg.ms ?? 10_000)
      if (!ok) throw new Error('topic peers seen: ' + seen.join(','))
      return { peers: seen }
    }
    case 'waitReceived': {
      const box = inbox(who, msg.topic)
      const done = () => msg.data != null ? box.some(m => m.data === msg.data) : box.length >= msg.count
      await until(done, msg.ms ?? 10_000)
      return { messages: [...box] }
    }
    case 'topics':
      return { topics: await client(msg.control).pubsub.getTopics() }
    default:
      throw new Error('unknown command ' + msg.cmd)
  }
}

async function stop () {
  await Promise.allSettled(subscriptions.map(s => s.cancel()))
  await Promise.all(nodes.map(n => n.stop()))
}

out({
  event: 'ready',
  nodes: nodes.map((n, i) => ({ peerId: n.peerId.toString(), addrs: n.getMultiaddrs().map(String), router: routers[i] }))
})

serve(run, stop)
