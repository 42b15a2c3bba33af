// Key interop with js-libp2p.
//
//   node keys.mjs <dir>            generates a key of each type js-libp2p supports, writes each marshalled
//                                  PrivateKey protobuf to <dir>/<name>.key, signs MESSAGE with it and prints
//                                  a JSON array of {file, type, peerId, cid, publicKey, signature} (hex bytes;
//                                  peerId and cid are null for key types @libp2p/peer-id does not support).
//   node keys.mjs --verify <dir>   reads <dir>/keys.json, an array of {file, peerId, signature} describing key
//                                  files in <dir> made elsewhere, and prints for each the peer id js derives and
//                                  whether js accepts the signature of MESSAGE.
//   node keys.mjs --peer-ids <hex>...  for each marshalled PublicKey protobuf (hex), prints the peer id js derives
//                                  and its CID in base32 and base36, as {publicKey, peerId, cid, cidBase36}.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { base36 } from 'multiformats/bases/base36'

export const MESSAGE = new TextEncoder().encode('jlibp2p interop message')

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'))

// @libp2p/peer-id makes peer ids of Ed25519, secp256k1 and RSA keys only.
function peerIdOf (key) {
  try {
    return peerIdFromPrivateKey(key)
  } catch (err) {
    if (err.name === 'UnsupportedKeyTypeError') {
      return undefined
    }
    throw err
  }
}

async function generate (dir) {
  const specs = [
    ['ed25519', () => generateKeyPair('Ed25519')],
    ['secp256k1', () => generateKeyPair('secp256k1')],
    ['rsa2048', () => generateKeyPair('RSA', 2048)],
    ['ecdsa-p256', () => generateKeyPair('ECDSA', 'P-256')]
  ]
  const out = []
  for (const [name, make] of specs) {
    const key = await make()
    const file = `${name}.key`
    await writeFile(join(dir, file), privateKeyToProtobuf(key), { mode: 0o600 })
    const peerId = peerIdOf(key)
    out.push({
      file,
      type: key.type,
      peerId: peerId?.toString() ?? null,
      cid: peerId?.toCID().toString() ?? null,
      cidBase36: peerId?.toCID().toString(base36) ?? null,
      publicKey: hex(publicKeyToProtobuf(key.publicKey)),
      signature: hex(await key.sign(MESSAGE))
    })
  }
  return out
}

async function verify (dir) {
  const entries = JSON.parse(await readFile(join(dir, 'keys.json'), 'utf8'))
  const out = []
  for (const entry of entries) {
    const result = { file: entry.file }
    try {
      const key = privateKeyFromProtobuf(await readFile(join(dir, entry.file)))
      result.peerId = peerIdOf(key)?.toString() ?? null
      result.parsedPeerId = peerIdFromString(entry.peerId).toString()
      result.publicKey = hex(publicKeyToProtobuf(key.publicKey))
      result.verified = await key.publicKey.verify(MESSAGE, unhex(entry.signature))
    } catch (err) {
      result.error = String(err)
    }
    out.push(result)
  }
  return out
}

function peerIds (hexKeys) {
  return hexKeys.map((publicKey) => {
    const peerId = peerIdFromPublicKey(publicKeyFromProtobuf(unhex(publicKey)))
    return {
      publicKey,
      peerId: peerId.toString(),
      cid: peerId.toCID().toString(),
      cidBase36: peerId.toCID().toString(base36)
    }
  })
}

const args = process.argv.slice(2)
const result = args[0] === '--verify'
  ? await verify(args[1])
  : args[0] === '--peer-ids' ? peerIds(args.slice(1)) : await generate(args[0])
process.stdout.write(JSON.stringify(result, null, 2) + '\n')
