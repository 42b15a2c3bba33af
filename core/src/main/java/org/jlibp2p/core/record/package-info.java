/** Signed envelopes (libp2p RFC 0002) and the peer records they carry (RFC 0003). */
package org.jlibp2p.core.record;
