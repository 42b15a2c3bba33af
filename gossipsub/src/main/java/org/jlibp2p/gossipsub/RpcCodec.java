package org.jlibp2p.gossipsub;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jlibp2p.core.io.FrameTooLargeException;
import org.jlibp2p.core.io.LengthPrefixed;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.peer.PeerIdException;
import org.jlibp2p.proto.pubsub.PubsubProtos;

/**
 * Pubsub RPCs on the wire: a protobuf ({@code pubsub.proto}), varint-length-prefixed on the stream. Decoding checks
 * every {@link RpcLimits} limit; a breach is an {@link RpcLimitException}, a malformed RPC a
 * {@link PubsubFormatException}.
 */
public final class RpcCodec {
    private RpcCodec() {}

    /** Encodes {@code rpc} as the protobuf {@code RPC}. */
    public static byte[] encode(Rpc rpc) {
        PubsubProtos.RPC.Builder b = PubsubProtos.RPC.newBuilder();
        for (Rpc.SubOpts s : rpc.subscriptions()) {
            b.addSubscriptions(PubsubProtos.RPC.SubOpts.newBuilder().setSubscribe(s.subscribe()).setTopicid(s.topic()));
        }
        for (Message m : rpc.messages()) {
            b.addPublish(toProto(m));
        }
        Rpc.Control c = rpc.control();
        if (!c.isEmpty()) {
            PubsubProtos.ControlMessage.Builder cb = PubsubProtos.ControlMessage.newBuilder();
            for (Rpc.IHave ih : c.ihave()) {
                PubsubProtos.ControlIHave.Builder x = PubsubProtos.ControlIHave.newBuilder().setTopicID(ih.topic());
                ih.ids().forEach(id -> x.addMessageIDs(ByteString.copyFrom(id.unsafeBytes())));
                cb.addIhave(x);
            }
            for (Rpc.IWant iw : c.iwant()) {
                PubsubProtos.ControlIWant.Builder x = PubsubProtos.ControlIWant.newBuilder();
                iw.ids().forEach(id -> x.addMessageIDs(ByteString.copyFrom(id.unsafeBytes())));
                cb.addIwant(x);
            }
            for (Rpc.Graft g : c.graft()) {
                cb.addGraft(PubsubProtos.ControlGraft.newBuilder().setTopicID(g.topic()));
            }
            for (Rpc.Prune p : c.prune()) {
                PubsubProtos.ControlPrune.Builder x = PubsubProtos.ControlPrune.newBuilder().setTopicID(p.topic());
                for (Rpc.PeerExchange px : p.peers()) {
                    PubsubProtos.PeerInfo.Builder pi = PubsubProtos.PeerInfo.newBuilder()
                            .setPeerID(ByteString.copyFrom(px.peer().bytes()));
                    px.signedPeerRecord().ifPresent(r -> pi.setSignedPeerRecord(ByteString.copyFrom(r)));
                    x.addPeers(pi);
                }
                p.backoffSeconds().ifPresent(x::setBackoff);
                cb.addPrune(x);
            }
            for (Rpc.IDontWant idw : c.idontwant()) {
                PubsubProtos.ControlIDontWant.Builder x = PubsubProtos.ControlIDontWant.newBuilder();
                idw.ids().forEach(id -> x.addMessageIDs(ByteString.copyFrom(id.unsafeBytes())));
                cb.addIdontwant(x);
            }
            b.setControl(cb);
        }
        return b.build().toByteArray();
    }

    /** A message's protobuf; its arrays are wrapped, not copied (a message's arrays are never written). */
    static PubsubProtos.Message toProto(Message m) {
        PubsubProtos.Message.Builder b = PubsubProtos.Message.newBuilder()
                .setTopic(m.topic()).setData(UnsafeByteOperations.unsafeWrap(m.data()));
        m.from().ifPresent(f -> b.setFrom(ByteString.copyFrom(f.bytes())));
        m.seqno().ifPresent(s -> b.setSeqno(UnsafeByteOperations.unsafeWrap(s)));
        m.signature().ifPresent(s -> b.setSignature(UnsafeByteOperations.unsafeWrap(s)));
        m.key().ifPresent(k -> b.setKey(UnsafeByteOperations.unsafeWrap(k)));
        return b.build();
    }

    /** The bytes a message's signature covers: the message marshalled without signature and key. */
    static byte[] encodeUnsigned(Message m) {
        PubsubProtos.Message.Builder b = PubsubProtos.Message.newBuilder();
        m.from().ifPresent(f -> b.setFrom(ByteString.copyFrom(f.bytes())));
        b.setData(UnsafeByteOperations.unsafeWrap(m.data()));
        m.seqno().ifPresent(s -> b.setSeqno(UnsafeByteOperations.unsafeWrap(s)));
        b.setTopic(m.topic());
        return b.build().toByteArray();
    }

    /** Writes {@code rpc} with its length prefix. */
    public static void write(OutputStream out, Rpc rpc) throws IOException {
        LengthPrefixed.write(out, encode(rpc));
    }

    /**
     * Reads one RPC of at most {@code limits.maxRpcSize()} bytes.
     *
     * @throws java.io.EOFException if the stream ends cleanly before an RPC
     * @throws RpcLimitException if the RPC is too large or breaks another limit
     * @throws PubsubFormatException if it is malformed
     */
    public static Rpc read(InputStream in, RpcLimits limits) throws IOException {
        return decode(readFrame(in, limits), limits);
    }

    /** Reads the bytes of one RPC, refusing a length prefix above the limit before allocating. */
    static byte[] readFrame(InputStream in, RpcLimits limits) throws IOException {
        try {
            return LengthPrefixed.read(in, limits.maxRpcSize());
        } catch (FrameTooLargeException e) {
            throw new RpcLimitException("RPC size", e.claimed(), limits.maxRpcSize());
        }
    }

    /** Decodes one RPC, checking {@code limits}. */
    public static Rpc decode(byte[] bytes, RpcLimits limits) throws PubsubFormatException {
        if (bytes.length > limits.maxRpcSize()) {
            throw new RpcLimitException("RPC size", bytes.length, limits.maxRpcSize());
        }
        PubsubProtos.RPC rpc;
        try {
            CodedInputStream cin = CodedInputStream.newInstance(bytes);
            cin.setRecursionLimit(8);
            rpc = PubsubProtos.RPC.parseFrom(cin);
        } catch (InvalidProtocolBufferException e) {
            throw new PubsubFormatException("malformed pubsub RPC: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PubsubFormatException("malformed pubsub RPC: " + e.getMessage(), e);
        }
        check("subscriptions per RPC", rpc.getSubscriptionsCount(), limits.maxSubscriptionsPerRpc());
        check("messages per RPC", rpc.getPublishCount(), limits.maxMessagesPerRpc());
        List<Rpc.SubOpts> subs = new ArrayList<>(rpc.getSubscriptionsCount());
        for (PubsubProtos.RPC.SubOpts s : rpc.getSubscriptionsList()) {
            if (!s.hasTopicid()) {
                throw new PubsubFormatException("a subscription without a topic");
            }
            subs.add(new Rpc.SubOpts(s.getSubscribe(), s.getTopicid()));
        }
        List<Message> messages = new ArrayList<>(rpc.getPublishCount());
        for (PubsubProtos.Message m : rpc.getPublishList()) {
            check("message size", m.getData().size(), limits.maxMessageSize());
            messages.add(fromProto(m));
        }
        Rpc.Control control = Rpc.Control.EMPTY;
        if (rpc.hasControl()) {
            control = decodeControl(rpc.getControl(), limits);
        }
        return new Rpc(subs, messages, control);
    }

    static Message fromProto(PubsubProtos.Message m) throws PubsubFormatException {
        Optional<PeerId> from = Optional.empty();
        if (m.hasFrom()) {
            try {
                from = Optional.of(PeerId.fromBytes(m.getFrom().toByteArray()));
            } catch (PeerIdException e) {
                throw new PubsubFormatException("a message's author is not a peer id: " + e.getMessage(), e);
            }
        }
        return new Message(m.getTopic(), m.getData().toByteArray(), from,
                m.hasSeqno() ? Optional.of(m.getSeqno().toByteArray()) : Optional.empty(),
                m.hasSignature() ? Optional.of(m.getSignature().toByteArray()) : Optional.empty(),
                m.hasKey() ? Optional.of(m.getKey().toByteArray()) : Optional.empty());
    }

    private static Rpc.Control decodeControl(PubsubProtos.ControlMessage c, RpcLimits limits)
            throws PubsubFormatException {
        check("GRAFT and PRUNE entries per RPC", (long) c.getGraftCount() + c.getPruneCount(),
                limits.maxControlEntries());
        long ihaveIds = 0;
        for (PubsubProtos.ControlIHave ih : c.getIhaveList()) {
            ihaveIds += ih.getMessageIDsCount();
        }
        check("IHAVE message ids per RPC", ihaveIds, limits.maxIHaveLength());
        long iwantIds = 0;
        for (PubsubProtos.ControlIWant iw : c.getIwantList()) {
            iwantIds += iw.getMessageIDsCount();
        }
        check("IWANT message ids per RPC", iwantIds, limits.maxIWantLength());
        long idontwantIds = 0;
        for (PubsubProtos.ControlIDontWant x : c.getIdontwantList()) {
            idontwantIds += x.getMessageIDsCount();
        }
        check("IDONTWANT message ids per RPC", idontwantIds,
                limits.maxIDontWantLength());
        List<Rpc.IHave> ihave = new ArrayList<>();
        for (PubsubProtos.ControlIHave ih : c.getIhaveList()) {
            ihave.add(new Rpc.IHave(ih.getTopicID(), ids(ih.getMessageIDsList(), limits)));
        }
        List<Rpc.IWant> iwant = new ArrayList<>();
        for (PubsubProtos.ControlIWant iw : c.getIwantList()) {
            iwant.add(new Rpc.IWant(ids(iw.getMessageIDsList(), limits)));
        }
        List<Rpc.Graft> graft = new ArrayList<>();
        for (PubsubProtos.ControlGraft g : c.getGraftList()) {
            graft.add(new Rpc.Graft(g.getTopicID()));
        }
        List<Rpc.Prune> prune = new ArrayList<>();
        for (PubsubProtos.ControlPrune p : c.getPruneList()) {
            check("peers per PRUNE", p.getPeersCount(), limits.maxPrunePeers());
            List<Rpc.PeerExchange> px = new ArrayList<>();
            for (PubsubProtos.PeerInfo pi : p.getPeersList()) {
                if (!pi.hasPeerID()) {
                    continue; // a record without a peer id names no one we could use
                }
                PeerId peer;
                try {
                    peer = PeerId.fromBytes(pi.getPeerID().toByteArray());
                } catch (PeerIdException e) {
                    throw new PubsubFormatException("a PRUNE offers a peer id that does not parse: "
                            + e.getMessage(), e);
                }
                px.add(new Rpc.PeerExchange(peer, pi.hasSignedPeerRecord()
                        ? Optional.of(pi.getSignedPeerRecord().toByteArray()) : Optional.empty()));
            }
            prune.add(new Rpc.Prune(p.getTopicID(), px,
                    p.hasBackoff() ? OptionalLong.of(p.getBackoff()) : OptionalLong.empty()));
        }
        List<Rpc.IDontWant> idontwant = new ArrayList<>();
        for (PubsubProtos.ControlIDontWant x : c.getIdontwantList()) {
            idontwant.add(new Rpc.IDontWant(ids(x.getMessageIDsList(), limits)));
        }
        return new Rpc.Control(ihave, iwant, graft, prune, idontwant);
    }

    private static List<MessageId> ids(List<ByteString> raw, RpcLimits limits) throws PubsubFormatException {
        List<MessageId> out = new ArrayList<>(raw.size());
        for (ByteString b : raw) {
            if (b.isEmpty()) {
                throw new PubsubFormatException("an empty message id");
            }
            check("message id length", b.size(), limits.maxMessageIdLength());
            out.add(MessageId.wrap(b.toByteArray()));
        }
        return out;
    }

    private static void check(String what, long value, long max) throws RpcLimitException {
        if (value > max) {
            throw new RpcLimitException(what, value, max);
        }
    }
}
