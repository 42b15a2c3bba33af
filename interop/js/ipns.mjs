// IPNS record and DHT key interop with js (the `ipns` package that js-libp2p and Helia use, and libp2p itself).
//
//   node ipns.mjs make <expiration> <expired>  for an Ed25519, a secp256k1 and an RSA key, prints a JSON array of
//                                  {type, privateKey, peerId, routingKey, records: [{kind, bytes}]}: records made by
//                                  js valid until <expiration> (V1+V2 and V2-only) and one valid until <expired>
//                                  (hex bytes; privateKey is the marshalled PrivateKey protobuf).
//   node ipns.mjs check <file>     reads a JSON object {records: [{routingKey, record}], selections: [[record...]],
//                                  pkPeers: [{peerId, publicKey}]} (hex bytes) and prints, for each record, what js's
//                                  ipnsValidator says and the fields js reads; for each selection, the index
//                                  ipnsSelector picks; for each peer, the /pk/ key libp2p's getPublicKey asks its
//                                  content routers for and whether it accepts publicKey as the answer.
import { readFile } from 'node:fs/promises'
import { generateKeyPair, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { contentRoutingSymbol } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { createIPNSRecordWithExpiration, marshalIPNSRecord, multihashToIPNSRoutingKey, unmarshalIPNSRecord } from 'ipns'
import { ipnsSelector } from 'ipns/selector'
import { ipnsValidator } from 'ipns/validator'
import { createLibp2p } from 'libp2p'

const VALUE = '/ipfs/bafkqaddwgevxmmraojswg33smq'
const TTL_NS = 300000000000n

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'))

async function make (expiration, expired) {
  const out = []
  for (const [type, generate] of [
    ['Ed25519', () => generateKeyPair('Ed25519')],
    ['secp256k1', () => generateKeyPair('secp256k1')],
    ['RSA', () => generateKeyPair('RSA', 2048)]
  ]) {
    const key = await generate()
    const peerId = peerIdFromPrivateKey(key)
    const records = []
    const add = async (kind, seq, validity, v1Compatible) => {
      const record = await createIPNSRecordWithExpiration(key, VALUE, seq, validity, { v1Compatible, ttlNs: TTL_NS })
      records.push({ kind, sequence: String(seq), bytes: hex(marshalIPNSRecord(record)) })
    }
    await add('v1v2', 5n, expiration, true)
    await add('v2', 6n, expiration, false)
    await add('expired', 7n, expired, true)
    out.push({
      type,
      privateKey: hex(privateKeyToProtobuf(key)),
      publicKey: hex(publicKeyToProtobuf(key.publicKey)),
      peerId: peerId.toString(),
      routingKey: hex(multihashToIPNSRoutingKey(peerId.toMultihash())),
      value: VALUE,
      records
    })
  }
  return out
}

async function validate (routingKey, record) {
  const result = {}
  try {
    await ipnsValidator(unhex(routingKey), unhex(record))
    result.valid = true
  } catch (err) {
    result.valid = false
    result.error = err.name
    result.message = err.message
  }
  try {
    const r = unmarshalIPNSRecord(unhex(record))
    result.value = r.value
    result.validity = r.validity
    result.sequence = String(r.sequence)
    result.ttl = String(r.ttl)
    result.v1 = r.signatureV1 != null
  } catch (err) {
    result.unmarshalError = err.name
  }
  return result
}

// What libp2p's getPublicKey does for a peer id that does not inline its key: the key it asks its content routers
// for, and whether it accepts the value a stub router answers with (the given public key). A fresh node each time,
// as a node keeps the keys it accepted.
async function pkLookup (peerId, publicKey) {
  const asked = []
  const node = await createLibp2p({
    services: {
      stub: () => ({
        [contentRoutingSymbol]: {
          async provide () {},
          async cancelReprovide () {},
          async * findProviders () {},
          async put () {},
          async get (key) {
            asked.push(hex(key))
            return unhex(publicKey)
          }
        }
      })
    }
  })
  const result = { peerId }
  try {
    result.publicKey = hex(publicKeyToProtobuf(await node.getPublicKey(peerIdFromString(peerId))))
  } catch (err) {
    result.error = err.name
  }
  result.keys = asked
  await node.stop()
  return result
}

async function check (file) {
  const input = JSON.parse(await readFile(file, 'utf8'))
  const records = []
  for (const r of input.records ?? []) {
    records.push(await validate(r.routingKey, r.record))
  }
  const selections = (input.selections ?? []).map((set) => ipnsSelector(new Uint8Array(0), set.map(unhex)))
  const pk = []
  for (const { peerId, publicKey } of input.pkPeers ?? []) {
    pk.push(await pkLookup(peerId, publicKey))
  }
  return { records, selections, pk }
}

const args = process.argv.slice(2)
const result = args[0] === 'make' ? await make(args[1], args[2]) : await check(args[1])
process.stdout.write(JSON.stringify(result, null, 2) + '\n')
