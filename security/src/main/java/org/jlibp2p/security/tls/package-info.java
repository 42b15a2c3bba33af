/**
 * The libp2p TLS 1.3 secure channel ({@code /tls/1.0.0}): self-signed certificates carrying the host key in the
 * libp2p public key extension, mutual authentication, early muxer negotiation by ALPN.
 */
package org.jlibp2p.security.tls;
