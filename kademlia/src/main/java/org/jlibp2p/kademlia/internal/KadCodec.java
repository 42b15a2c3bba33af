package org.jlibp2p.kademlia.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.MultiaddrException;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.kademlia.KadProtocolException;
import org.jlibp2p.kademlia.PeerInfo;
import org.jlibp2p.proto.dht.DhtProtos;
import org.jlibp2p.proto.dht.DhtRecordProtos;

/**
 * Kademlia messages on a stream: each one a protobuf {@code dht.pb.Message} after an unsigned-varint length, at most
 * {@code maxMessageSize} bytes. Reading is strict where a wrong value would mislead (an unknown type, a peer id that is
 * not one) and lenient where the spec lets peers differ: an address that does not parse is skipped (it could not be
 * dialled either), and peers beyond {@code maxPeers} per list are dropped.
 */
public final class KadCodec {
    private final int maxMessageSize;
    private final int maxPeers;
    private final int maxAddressesPerPeer;

    public KadCodec(int maxMessageSize, int maxPeers, int maxAddressesPerPeer) {
        this.maxMessageSize = maxMessageSize;
        this.maxPeers = maxPeers;
        this.maxAddressesPerPeer = maxAddressesPerPeer;
    }

    public void write(OutputStream out, KadMessage message) throws IOException {
        byte[] bytes = encode(message);
        if (bytes.length > maxMessageSize) {
            throw new KadProtocolException("message of " + bytes.length + " bytes exceeds the limit of "
                    + maxMessageSize);
        }
        LengthPrefixed.write(out, bytes);
        out.flush();
    }

    /**
     * Reads one message.
     *
     * @return empty at a clean end of the stream before any byte of a message
     * @throws KadProtocolException if the message is malformed
     * @throws org.jlibp2p.core.io.FrameTooLargeException if it claims more than the limit
     */
    public Optional<KadMessage> read(InputStream in) throws IOException {
        long length;
        try {
            length = Varint.read(in);
        } catch (java.io.EOFException e) {
            return Optional.empty(); // the stream ended between messages
        }
        if (length > maxMessageSize) {
            throw new FrameTooLargeException(length, maxMessageSize);
        }
        return Optional.of(decode(LengthPrefixed.readExactly(in, (int) length)));
    }

    public static byte[] encode(KadMessage m) {
        DhtProtos.Message.Builder b = DhtProtos.Message.newBuilder()
                .setTypeValue(m.type().number)
                .setKey(ByteString.copyFrom(m.key()));
        m.record().ifPresent(r -> b.setRecord(DhtRecordProtos.Record.newBuilder()
                .setKey(ByteString.copyFrom(r.key()))
                .setValue(ByteString.copyFrom(r.value()))
                .setTimeReceived(r.timeReceived())));
        for (PeerInfo p : m.closerPeers()) {
            b.addCloserPeers(peer(p));
        }
        for (PeerInfo p : m.providerPeers()) {
            b.addProviderPeers(peer(p));
        }
        return b.build().toByteArray();
    }

    private static DhtProtos.Message.Peer peer(PeerInfo p) {
        DhtProtos.Message.Peer.Builder b = DhtProtos.Message.Peer.newBuilder().setId(ByteString.copyFrom(p.peer().bytes()));
        for (Multiaddr a : p.addresses()) {
            b.addAddrs(ByteString.copyFrom(a.bytes()));
        }
        return b.build();
    }

    public KadMessage decode(byte[] frame) throws KadProtocolException {
        DhtProtos.Message m;
        try {
            m = DhtProtos.Message.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new KadProtocolException("malformed message: " + e.getMessage(), e);
        }
        KadMessage.Type type = switch (m.getTypeValue()) {
            case 0 -> KadMessage.Type.PUT_VALUE;
            case 1 -> KadMessage.Type.GET_VALUE;
            case 2 -> KadMessage.Type.ADD_PROVIDER;
            case 3 -> KadMessage.Type.GET_PROVIDERS;
            case 4 -> KadMessage.Type.FIND_NODE;
            case 5 -> KadMessage.Type.PING;
            default -> throw new KadProtocolException("unknown message type " + m.getTypeValue());
        };
        Optional<KadMessage.Record> record = m.hasRecord()
                ? Optional.of(new KadMessage.Record(m.getRecord().getKey().toByteArray(),
                        m.getRecord().getValue().toByteArray(), m.getRecord().getTimeReceived()))
                : Optional.empty();
        return new KadMessage(type, m.getKey().toByteArray(), record, peers(m.getCloserPeersList()),
                peers(m.getProviderPeersList()));
    }

    private List<PeerInfo> peers(List<DhtProtos.Message.Peer> wire) throws KadProtocolException {
        List<PeerInfo> out = new ArrayList<>(Math.min(wire.size(), maxPeers));
        for (DhtProtos.Message.Peer p : wire) {
            if (out.size() == maxPeers) {
                break;
            }
            PeerId id;
            try {
                id = PeerId.fromBytes(p.getId().toByteArray());
            } catch (PeerIdException e) {
                throw new KadProtocolException("a peer in the message has no valid id: " + e.getMessage(), e);
            }
            List<Multiaddr> addresses = new ArrayList<>();
            for (ByteString a : p.getAddrsList()) {
                if (addresses.size() == maxAddressesPerPeer) {
                    break;
                }
                try {
                    addresses.add(Multiaddr.fromBytes(a.toByteArray()));
                } catch (MultiaddrException e) {
                    // an address we cannot read is one we cannot dial
                }
            }
            out.add(new PeerInfo(id, addresses));
        }
        return out;
    }
}
