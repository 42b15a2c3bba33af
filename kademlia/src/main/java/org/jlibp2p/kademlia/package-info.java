/** The Kademlia DHT (/ipfs/kad/1.0.0) as a behaviour. Not built yet: its issue has not come. */
package org.jlibp2p.kademlia;
