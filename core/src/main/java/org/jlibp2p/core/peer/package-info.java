/** Peer ids: multihashes of public keys, in their base58btc and CID text forms. */
package org.jlibp2p.core.peer;
