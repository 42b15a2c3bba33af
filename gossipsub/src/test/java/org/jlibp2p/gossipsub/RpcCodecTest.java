package org.jlibp2p.gossipsub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.pubsub.PubsubProtos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class RpcCodecTest {
    private final PeerId alice = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private final PeerId bob = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) (n >> 8), (byte) n, 7});
    }

    @Test
    void everyPartSurvivesARoundTrip() throws Exception {
        Message m = new Message("t", new byte[] {1, 2, 3}, Optional.of(alice), Optional.of(new byte[] {0, 0, 0, 0, 0, 0, 0, 9}),
                Optional.of(new byte[] {5, 5}), Optional.of(new byte[] {6}));
        Rpc rpc = new Rpc(List.of(new Rpc.SubOpts(true, "t"), new Rpc.SubOpts(false, "u")), List.of(m),
                new Rpc.Control(List.of(new Rpc.IHave("t", List.of(id(1), id(2)))), List.of(new Rpc.IWant(List.of(id(3)))),
                        List.of(new Rpc.Graft("t")),
                        List.of(new Rpc.Prune("u", List.of(new Rpc.PeerExchange(bob, Optional.of(new byte[] {1})),
                                new Rpc.PeerExchange(alice, Optional.empty())), OptionalLong.of(60))),
                        List.of(new Rpc.IDontWant(List.of(id(4))))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RpcCodec.write(out, rpc);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        Rpc back = RpcCodec.read(in, RpcLimits.defaults());
        assertEquals(rpc.subscriptions(), back.subscriptions());
        Message b = back.messages().getFirst();
        assertEquals("t", b.topic());
        assertArrayEquals(m.data(), b.data());
        assertEquals(Optional.of(alice), b.from());
        assertArrayEquals(m.seqno().get(), b.seqno().get());
        assertArrayEquals(m.signature().get(), b.signature().get());
        assertArrayEquals(m.key().get(), b.key().get());
        assertEquals(rpc.control().ihave(), back.control().ihave());
        assertEquals(rpc.control().iwant(), back.control().iwant());
        assertEquals(rpc.control().graft(), back.control().graft());
        assertEquals(rpc.control().idontwant(), back.control().idontwant());
        Rpc.Prune p = back.control().prune().getFirst();
        assertEquals("u", p.topic());
        assertEquals(OptionalLong.of(60), p.backoffSeconds());
        assertEquals(List.of(bob, alice), p.peers().stream().map(Rpc.PeerExchange::peer).toList());
        assertArrayEquals(new byte[] {1}, p.peers().getFirst().signedPeerRecord().get());
        assertThrows(EOFException.class, () -> RpcCodec.read(in, RpcLimits.defaults()), "a clean end between RPCs");
    }

    @Test
    void anRpcLargerThanTheLimitIsRefusedFromItsLengthPrefix() throws Exception {
        Rpc rpc = Rpc.ofMessages(List.of(Message.anonymous("t", new byte[2000])));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RpcCodec.write(out, rpc);
        RpcLimitException e = assertThrows(RpcLimitException.class,
                () -> RpcCodec.read(new ByteArrayInputStream(out.toByteArray()), RpcLimits.defaults().withMaxRpcSize(1024)));
        assertEquals("RPC size", e.limit());
        assertEquals(1024, e.max());
        // a prefix claiming 2 GiB is refused before anything is allocated
        byte[] huge = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        assertThrows(RpcLimitException.class, () -> RpcCodec.read(new ByteArrayInputStream(huge), RpcLimits.defaults()));
    }

    @Test
    void eachCountLimitIsChecked() {
        byte[] tooBig = RpcCodec.encode(Rpc.ofMessages(List.of(Message.anonymous("t", new byte[101]))));
        assertEquals("message size", assertThrows(RpcLimitException.class,
                () -> RpcCodec.decode(tooBig, RpcLimits.defaults().withMaxMessageSize(100))).limit());

        List<Rpc.SubOpts> subs = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            subs.add(new Rpc.SubOpts(true, "t" + i));
        }
        byte[] manySubs = RpcCodec.encode(Rpc.ofSubscriptions(subs));
        assertEquals("subscriptions per RPC", assertThrows(RpcLimitException.class,
                () -> RpcCodec.decode(manySubs, RpcLimits.defaults().withMaxSubscriptionsPerRpc(10))).limit());

        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            ids.add(id(i));
        }
        byte[] ihave = RpcCodec.encode(Rpc.ofControl(new Rpc.Control(
                List.of(new Rpc.IHave("a", ids.subList(0, 6)), new Rpc.IHave("b", ids.subList(6, 11))),
                List.of(), List.of(), List.of(), List.of())));
        assertEquals("IHAVE message ids per RPC", assertThrows(RpcLimitException.class,
                () -> RpcCodec.decode(ihave, RpcLimits.defaults().withMaxIHaveLength(10))).limit());
        byte[] iwant = RpcCodec.encode(Rpc.ofControl(new Rpc.Control(List.of(), List.of(new Rpc.IWant(ids)),
                List.of(), List.of(), List.of())));
        assertEquals("IWANT message ids per RPC", assertThrows(RpcLimitException.class,
                () -> RpcCodec.decode(iwant, RpcLimits.defaults().withMaxIWantLength(10))).limit());
        List<Rpc.IDontWant> dont = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            dont.add(new Rpc.IDontWant(List.of(id(i))));
        }
        byte[] idontwant = RpcCodec.encode(Rpc.ofControl(new Rpc.Control(List.of(), List.of(), List.of(), List.of(), dont)));
        assertEquals("IDONTWANT message ids per RPC", assertThrows(RpcLimitException.class,
                () -> RpcCodec.decode(idontwant, RpcLimits.defaults())).limit());
    }

    @Test
    void malformedInputIsATypedFormatError() {
        assertThrows(PubsubFormatException.class, () -> RpcCodec.decode(new byte[] {0x0a, 0x05, 1}, RpcLimits.defaults()));
        byte[] badFrom = PubsubProtos.RPC.newBuilder().addPublish(PubsubProtos.Message.newBuilder()
                .setFrom(ByteString.copyFrom(new byte[] {1, 2, 3})).setTopic("t")).build().toByteArray();
        assertThrows(PubsubFormatException.class, () -> RpcCodec.decode(badFrom, RpcLimits.defaults()));
        byte[] emptyId = PubsubProtos.RPC.newBuilder().setControl(PubsubProtos.ControlMessage.newBuilder()
                .addIwant(PubsubProtos.ControlIWant.newBuilder().addMessageIDs(ByteString.EMPTY))).build().toByteArray();
        assertThrows(PubsubFormatException.class, () -> RpcCodec.decode(emptyId, RpcLimits.defaults()));
        byte[] noTopic = PubsubProtos.RPC.newBuilder().addSubscriptions(PubsubProtos.RPC.SubOpts.newBuilder()
                .setSubscribe(true)).build().toByteArray();
        assertThrows(PubsubFormatException.class, () -> RpcCodec.decode(noTopic, RpcLimits.defaults()));
        // truncated frame
        byte[] frame = {0x10, 0x0a};
        assertThrows(java.io.IOException.class, () -> RpcCodec.read(new ByteArrayInputStream(frame), RpcLimits.defaults()));
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButAFormatError() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[r.nextInt(64)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) r.nextInt(256);
            }
            try {
                RpcCodec.decode(b, RpcLimits.defaults());
            } catch (PubsubFormatException expected) {
                // fine
            }
        }
    }
}
