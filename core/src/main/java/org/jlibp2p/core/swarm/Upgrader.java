package org.jlibp2p.core.swarm;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import org.jlibp2p.core.multistream.Multistream;
import org.jlibp2p.core.mux.MuxedSession;
import org.jlibp2p.core.mux.StreamMuxer;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.core.security.SecureSession;
import org.jlibp2p.core.time.Scheduler;
import org.jlibp2p.core.transport.RawConnection;

/**
 * Turns a raw connection into a secured, multiplexed one, as a few sequential calls: negotiate and run the
 * security handshake, then take the muxer agreed inside the handshake or negotiate one, then start the session.
 */
final class Upgrader {
    record Upgraded(SecureSession secured, String security, String muxer, MuxedSession session) {}

    private final Map<String, SecureChannel> security = new LinkedHashMap<>();
    private final Map<String, StreamMuxer> muxers = new LinkedHashMap<>();

    private final Scheduler scheduler;
    private final ThreadFactory threads;

    Upgrader(List<SecureChannel> security, List<StreamMuxer> muxers, Scheduler scheduler, ThreadFactory threads) {
        this.scheduler = scheduler;
        this.threads = threads;
        security.forEach(s -> this.security.put(s.protocolId(), s));
        muxers.forEach(m -> this.muxers.put(m.protocolId(), m));
    }

    Upgraded outbound(RawConnection raw, Optional<PeerId> expected) throws IOException {
        String securityId = Multistream.select(raw, List.copyOf(security.keySet()));
        SecureChannel channel = security.get(securityId);
        SecureSession secured = expected.isPresent() ? channel.secureOutbound(raw, expected.get())
                : channel.secureOutbound(raw);
        String muxerId = secured.negotiatedMuxer().filter(muxers::containsKey).orElse(null);
        if (muxerId == null) {
            muxerId = Multistream.select(secured, List.copyOf(muxers.keySet()));
        }
        MuxedSession session = muxers.get(muxerId).start(secured, true, scheduler, threads);
        return new Upgraded(secured, securityId, muxerId, session);
    }

    Upgraded inbound(RawConnection raw) throws IOException {
        String securityId = Multistream.accept(raw, security.keySet());
        SecureSession secured = security.get(securityId).secureInbound(raw);
        String muxerId = secured.negotiatedMuxer().filter(muxers::containsKey).orElse(null);
        if (muxerId == null) {
            muxerId = Multistream.accept(secured, muxers.keySet());
        }
        MuxedSession session = muxers.get(muxerId).start(secured, false, scheduler, threads);
        return new Upgraded(secured, securityId, muxerId, session);
    }
}
