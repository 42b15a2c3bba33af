package org.jlibp2p.identify;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.swarm.Stream;

/**
 * The wire exchange of identify and identify-push: one varint-length-prefixed message on a stream, then the sender
 * closes its side.
 */
final class IdentifyProtocol {
    private IdentifyProtocol() {}

    /** What this node says about itself, apart from the observed address, which depends on the connection. */
    record LocalIdentity(IdentifyInfo info, byte[] signedRecord) {}

    /** Sends {@code local}, with {@code observed} as the address the remote is seen at, and half-closes. */
    static void send(Stream stream, LocalIdentity local, Optional<Multiaddr> observed) throws IOException {
        IdentifyInfo i = local.info();
        IdentifyInfo withObserved = new IdentifyInfo(i.publicKey(), i.listenAddrs(), i.protocols(), observed,
                i.protocolVersion(), i.agentVersion(), Optional.empty());
        LengthPrefixed.write(stream.output(), IdentifyCodec.encode(withObserved, Optional.of(local.signedRecord())));
        stream.output().flush();
        stream.closeOutput();
    }

    /** Reads one message of at most {@code maxSize} bytes, waiting at most {@code timeout} for each read. */
    static IdentifyInfo receive(Stream stream, int maxSize, Duration timeout) throws IOException {
        stream.setReadTimeout(timeout);
        return IdentifyCodec.decode(LengthPrefixed.read(stream.input(), maxSize));
    }
}
