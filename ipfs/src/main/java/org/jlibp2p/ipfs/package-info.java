/**
 * Files by content id, interoperable with IPFS: UnixFS import and export ({@code unixfs}), blockstores
 * ({@code blockstore}), Bitswap 1.2.0 ({@code bitswap}), and {@link org.jlibp2p.ipfs.FileSharing}, which ties them to
 * the DHT.
 */
package org.jlibp2p.ipfs;
