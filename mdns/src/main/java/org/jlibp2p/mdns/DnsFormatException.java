package org.jlibp2p.mdns;

import org.jlibp2p.core.FormatException;

/** A DNS message that breaks RFC 1035 or this parser's limits; the datagram is dropped. */
public final class DnsFormatException extends FormatException {
    public DnsFormatException(String message) {
        super(message);
    }
}
