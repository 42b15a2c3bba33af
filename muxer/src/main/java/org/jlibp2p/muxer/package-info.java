/** Stream multiplexers: Yamux and mplex. */
package org.jlibp2p.muxer;
