package org.jlibp2p.node;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.KademliaBehaviour;
import org.jlibp2p.node.control.ControlCodec;
import org.jlibp2p.node.control.ControlRequest.DhtRequest;
import org.jlibp2p.node.control.ControlRequest.FindPeer;
import org.jlibp2p.node.control.ControlRequest.FindProviders;
import org.jlibp2p.node.control.ControlRequest.GetClosestPeers;
import org.jlibp2p.node.control.ControlRequest.GetPublicKey;
import org.jlibp2p.node.control.ControlRequest.GetValue;
import org.jlibp2p.node.control.ControlRequest.Provide;
import org.jlibp2p.node.control.ControlRequest.PutValue;
import org.jlibp2p.node.control.ControlRequest.SearchValue;
import org.jlibp2p.node.control.ControlRequest.Unsupported;
import org.jlibp2p.node.control.ControlResponse;
import org.jlibp2p.node.control.ControlResponse.DhtMessage;
import org.jlibp2p.node.control.PeerInfo;

/**
 * The DHT requests, served by the node's {@link KademliaBehaviour} ({@code -dht}, {@code -dhtClient},
 * {@code -dhtServer}), framed as go-libp2p-daemon frames them: FIND_PEER, GET_VALUE and GET_PUBLIC_KEY answer one
 * {@code Response{OK, dht: VALUE}}; FIND_PROVIDERS, GET_CLOSEST_PEERS and SEARCH_VALUE answer
 * {@code Response{OK, dht: BEGIN}}, then one bare {@code DHTResponse} VALUE per result as it is found, then a bare
 * END; PUT_VALUE and PROVIDE answer a plain OK. A failure before the answer starts is an ERROR; one after BEGIN ends
 * the stream with END, as go's does. Without a DHT every request is answered "DHT not enabled".
 */
final class DhtControl {
    private static final System.Logger LOG = System.getLogger(DhtControl.class.getName());
    static final String NOT_ENABLED = "DHT not enabled";
    /** go-libp2p's routing.ErrNotFound. */
    static final String NOT_FOUND = "routing: not found";
    /** go-libp2p-kad-dht's error when a lookup has no peer to start from. */
    static final String NO_PEERS = "failed to find any peer in table";

    private final Optional<KademliaBehaviour> dht;

    DhtControl(Optional<KademliaBehaviour> dht) {
        this.dht = dht;
    }

    /** FIND_PEERS_CONNECTED_TO_PEER, which go's daemon does not serve either. */
    ControlResponse unsupported(Unsupported req) {
        return new ControlResponse.Error(dht.isEmpty() ? NOT_ENABLED : "not supported");
    }

    /** Answers {@code req} on {@code client}. Throws only when the client cannot be written to. */
    void handle(DhtRequest req, Duplex client) throws IOException {
        if (dht.isEmpty()) {
            ControlServer.respond(client, new ControlResponse.Error(NOT_ENABLED));
            return;
        }
        KademliaBehaviour kad = dht.get();
        try {
            switch (req) {
                case FindPeer r -> ControlServer.respond(client, single(DhtMessage.of(info(
                        kad.findPeer(r.peer(), r.timeout()).orElseThrow(DhtControl::notFound)))));
                case GetValue r -> ControlServer.respond(client, single(DhtMessage.of(
                        kad.getValue(r.key(), r.timeout()).orElseThrow(DhtControl::notFound))));
                case GetPublicKey r -> ControlServer.respond(client, single(DhtMessage.of(
                        publicKey(kad, r.peer(), r.timeout()).marshal())));
                case PutValue r -> {
                    // As go's: the value is stored locally even when no peer is there to take it, then reported.
                    boolean alone = kad.routingTableSize() == 0;
                    kad.putValue(r.key(), r.value(), r.timeout());
                    if (alone) {
                        throw new IOException(NO_PEERS);
                    }
                    ControlServer.respond(client, new ControlResponse.Ok());
                }
                case Provide r -> {
                    boolean alone = kad.routingTableSize() == 0;
                    kad.provide(r.cid().multihash().bytes(), r.timeout());
                    if (alone) {
                        throw new IOException(NO_PEERS);
                    }
                    ControlServer.respond(client, new ControlResponse.Ok());
                }
                case GetClosestPeers r -> {
                    requirePeers(kad);
                    List<org.jlibp2p.kademlia.PeerInfo> closest = kad.getClosestPeers(r.key(), r.timeout());
                    stream(client, each -> closest.forEach(p -> each.accept(DhtMessage.of(p.peer().bytes()))));
                }
                case FindProviders r -> stream(client, each -> kad.findProviders(r.cid().multihash().bytes(),
                        r.count(), r.timeout(), p -> each.accept(DhtMessage.of(info(p)))));
                case SearchValue r -> stream(client, each -> kad.searchValue(r.key(), kad.config().quorum(),
                        r.timeout(), v -> each.accept(DhtMessage.of(v))));
            }
        } catch (ClientGone e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while answering " + req);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> req + " failed: " + e);
            ControlServer.respond(client, ControlServer.failure(e));
        }
    }

    private static ControlResponse single(DhtMessage m) {
        return new ControlResponse.Dht(m);
    }

    /** A lookup that streams its results into a sink. */
    private interface Lookup {
        void run(java.util.function.Consumer<DhtMessage> each) throws IOException, InterruptedException;
    }

    /**
     * BEGIN, the lookup's results as it finds them, END. A lookup that fails after BEGIN has no way to say so on the
     * wire but to end the stream early, which is what go's daemon does too.
     */
    private static void stream(Duplex client, Lookup lookup) throws IOException, InterruptedException {
        ControlServer.respond(client, single(DhtMessage.begin()));
        try {
            lookup.run(m -> {
                try {
                    LengthPrefixed.write(client.output(), ControlCodec.encodeDhtMessage(m));
                } catch (IOException e) {
                    throw new ClientGone(e);
                }
            });
        } catch (IOException | RuntimeException e) {
            if (e instanceof ClientGone) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "DHT lookup ended early: " + e);
        }
        LengthPrefixed.write(client.output(), ControlCodec.encodeDhtMessage(DhtMessage.end()));
    }

    private static void requirePeers(KademliaBehaviour kad) throws IOException, InterruptedException {
        if (kad.routingTableSize() == 0) {
            throw new IOException(NO_PEERS);
        }
    }

    /**
     * The key inlined in the peer id, else the {@code /pk/} record under the request's timeout (the DHT answers it
     * from the node's peerstore when identify has told it the key), checked against the id.
     */
    private static PublicKey publicKey(KademliaBehaviour kad, PeerId peer, Duration timeout)
            throws IOException, InterruptedException {
        Optional<PublicKey> inlined = peer.extractPublicKey();
        if (inlined.isPresent()) {
            return inlined.get();
        }
        byte[] record = kad.getValue(KademliaBehaviour.pkKey(peer), timeout).orElseThrow(DhtControl::notFound);
        PublicKey key = Keys.unmarshalPublicKey(record);
        if (!PeerId.fromPublicKey(key).equals(peer)) {
            throw new IOException("the /pk/ record found is not the key of " + peer);
        }
        return key;
    }

    private static IOException notFound() {
        return new IOException(NOT_FOUND);
    }

    private static PeerInfo info(org.jlibp2p.kademlia.PeerInfo p) {
        return new PeerInfo(p.peer(), p.addresses());
    }

    /** Writing to the control client failed: the request ends, and so does the control connection. */
    private static final class ClientGone extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        ClientGone(IOException cause) {
            super(cause);
        }
    }
}
