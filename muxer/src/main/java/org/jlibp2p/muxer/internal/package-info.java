/** Helpers shared by the multiplexers; not a public API. */
package org.jlibp2p.muxer.internal;
