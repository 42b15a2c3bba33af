/** The core of the stack: multiformats, keys, peer ids, connections, the Swarm and the Behaviour extension point. */
package org.jlibp2p.core;
