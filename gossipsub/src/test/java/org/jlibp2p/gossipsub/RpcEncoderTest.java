package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RpcEncoderTest {
    private static final List<PeerId> PEERS = List.of(
            PeerId.fromPublicKey(Keys.generateEd25519().publicKey()),
            PeerId.fromPublicKey(Keys.generateEd25519().publicKey()),
            PeerId.fromPublicKey(Keys.generateSecp256k1().publicKey()));

    /** What RpcCodec writes on a stream for {@code rpc}: its length prefix and protobuf. */
    private static byte[] expected(Rpc rpc) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RpcCodec.write(out, rpc);
        return out.toByteArray();
    }

    @Property(tries = 400)
    void aFrameIsByteForByteWhatTheCodecWrites(@ForAll("rpcs") Rpc rpc) throws Exception {
        RpcEncoder encoder = new RpcEncoder();
        assertArrayEquals(expected(rpc), encoder.frame(rpc));
        assertArrayEquals(expected(rpc), encoder.frame(rpc), "the same RPC again");
        Rpc copy = new Rpc(rpc.subscriptions(), rpc.messages(), rpc.control());
        assertArrayEquals(expected(rpc), encoder.frame(copy), "an equal RPC, from the kept protobufs");
    }

    @Property(tries = 200)
    void peersSharingMessagesGetTheirOwnControlAroundTheSameBytes(@ForAll("rpcs") Rpc a, @ForAll("rpcs") Rpc b)
            throws Exception {
        RpcEncoder encoder = new RpcEncoder();
        // b's subscriptions and control around a's messages: how a forwarded message goes to two peers
        Rpc shared = new Rpc(b.subscriptions(), a.messages(), b.control());
        assertArrayEquals(expected(a), encoder.frame(a));
        long before = encoder.hits();
        assertArrayEquals(expected(shared), encoder.frame(shared));
        assertEquals(before + a.messages().size(), encoder.hits(), "every message's protobuf was reused");
        Rpc back = RpcCodec.read(new ByteArrayInputStream(encoder.frame(shared)), RpcLimits.defaults());
        assertEquals(shared.subscriptions(), back.subscriptions());
        assertEquals(shared.messages().size(), back.messages().size());
        assertEquals(shared.control().ihave(), back.control().ihave());
    }

    @Test
    void theCacheStaysWithinItsBounds() throws Exception {
        RpcEncoder encoder = new RpcEncoder();
        for (int i = 0; i < RpcEncoder.MAX_ENTRIES * 2 + 5; i++) {
            Message m = Message.anonymous("t", new byte[] {(byte) i});
            assertArrayEquals(expected(Rpc.ofMessages(List.of(m))), encoder.frame(Rpc.ofMessages(List.of(m))));
            assertTrue(encoder.cached() <= RpcEncoder.MAX_ENTRIES);
        }
        RpcEncoder bytes = new RpcEncoder();
        byte[] big = new byte[RpcEncoder.MAX_BYTES / 3];
        for (int i = 0; i < 10; i++) {
            Message m = Message.anonymous("t", big.clone());
            bytes.message(m);
            assertTrue(bytes.cached() <= 2, bytes.cached() + " messages of a third of the byte bound kept");
        }
    }

    @Provide
    Arbitrary<Rpc> rpcs() {
        Arbitrary<Rpc.SubOpts> sub = Combinators.combine(Arbitraries.of(true, false), topics())
                .as(Rpc.SubOpts::new);
        Arbitrary<List<Rpc.SubOpts>> subs = sub.list().ofMaxSize(4);
        Arbitrary<List<Message>> messages = messages().list().ofMaxSize(4);
        return Combinators.combine(subs, messages, control()).as(Rpc::new);
    }

    private static Arbitrary<String> topics() {
        return Arbitraries.strings().ofMaxLength(12); // any Unicode, the empty topic too
    }

    private static Arbitrary<byte[]> bytes(int max) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(max);
    }

    private static Arbitrary<Optional<byte[]>> maybeBytes(int max) {
        return bytes(max).optional(0.6);
    }

    private static Arbitrary<Message> messages() {
        // sizes past 127 and 16,383 bytes need two- and three-byte length prefixes
        Arbitrary<byte[]> data = Arbitraries.oneOf(bytes(40), bytes(300), bytes(20_000));
        Arbitrary<Optional<PeerId>> from = Arbitraries.of(PEERS).optional(0.7);
        return Combinators.combine(topics(), data, from, maybeBytes(10), maybeBytes(80), maybeBytes(50))
                .as(Message::new);
    }

    private static Arbitrary<MessageId> ids() {
        return bytes(40).filter(b -> b.length > 0).map(MessageId::wrap);
    }

    private static Arbitrary<Rpc.Control> control() {
        Arbitrary<Rpc.IHave> ihave = Combinators.combine(topics(), ids().list().ofMaxSize(3)).as(Rpc.IHave::new);
        Arbitrary<Rpc.IWant> iwant = ids().list().ofMaxSize(3).map(Rpc.IWant::new);
        Arbitrary<Rpc.Graft> graft = topics().map(Rpc.Graft::new);
        Arbitrary<Rpc.PeerExchange> px = Combinators.combine(Arbitraries.of(PEERS), maybeBytes(30))
                .as(Rpc.PeerExchange::new);
        Arbitrary<OptionalLong> backoff = Arbitraries.longs().between(0, Long.MAX_VALUE).injectDuplicates(0.1)
                .optional(0.5).map(o -> o.map(OptionalLong::of).orElse(OptionalLong.empty()));
        Arbitrary<Rpc.Prune> prune = Combinators.combine(topics(), px.list().ofMaxSize(3), backoff)
                .as(Rpc.Prune::new);
        Arbitrary<Rpc.IDontWant> idontwant = ids().list().ofMaxSize(3).map(Rpc.IDontWant::new);
        Arbitrary<Rpc.Control> some = Combinators.combine(ihave.list().ofMaxSize(2), iwant.list().ofMaxSize(2),
                graft.list().ofMaxSize(2), prune.list().ofMaxSize(2), idontwant.list().ofMaxSize(2))
                .as(Rpc.Control::new);
        return Arbitraries.oneOf(Arbitraries.just(Rpc.Control.EMPTY), some);
    }

    @Test
    void aMessageOfEveryFieldAndManyPeers() throws Exception {
        RpcEncoder encoder = new RpcEncoder();
        Message m = new Message("topic", new byte[1 << 16], Optional.of(PEERS.get(2)),
                Optional.of(new byte[8]), Optional.of(new byte[64]), Optional.of(new byte[33]));
        List<Rpc> rpcs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rpcs.add(new Rpc(i % 3 == 0 ? List.of(new Rpc.SubOpts(true, "t" + i)) : List.of(), List.of(m),
                    i % 2 == 0 ? Rpc.Control.EMPTY : new Rpc.Control(List.of(), List.of(),
                            List.of(new Rpc.Graft("topic")), List.of(), List.of())));
        }
        for (Rpc rpc : rpcs) {
            assertArrayEquals(expected(rpc), encoder.frame(rpc));
        }
        assertEquals(49, encoder.hits(), "one message marshalled once for 50 peers");
    }
}
