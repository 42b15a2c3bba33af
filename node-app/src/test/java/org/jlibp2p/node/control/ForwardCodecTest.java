package org.jlibp2p.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.proto.p2pd.P2pdProtos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The FORWARD extension requests and answers: round trips, and requests missing what they need. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ForwardCodecTest {
    private static final PeerId PEER = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());

    @Test
    void requestsRoundTrip() throws Exception {
        Multiaddr tcp = Multiaddr.parse("/ip4/127.0.0.1/tcp/8080");
        List<ControlRequest> all = List.of(
                new ControlRequest.ForwardListen("/x/web", tcp),
                new ControlRequest.ForwardDial("/x/web", Multiaddr.parse("/ip4/127.0.0.1/tcp/0"), PEER,
                        List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001"))),
                new ControlRequest.ForwardList(),
                new ControlRequest.ForwardClose(Optional.of("/x/web"), Optional.empty(), Optional.of(tcp), false),
                new ControlRequest.ForwardClose(Optional.empty(), Optional.empty(), Optional.empty(), true));
        for (ControlRequest r : all) {
            assertEquals(r, ControlCodec.decodeRequest(ControlCodec.encodeRequest(r)));
        }
    }

    @Test
    void answersRoundTrip() throws Exception {
        Forwarding f = new Forwarding("/x/web", Multiaddr.parse("/ip4/127.0.0.1/tcp/9000"),
                Multiaddr.parse("/p2p/" + PEER), 3);
        ControlResponse list = new ControlResponse.Forwardings(List.of(f));
        assertEquals(list, ControlCodec.decodeResponse(new ControlRequest.ForwardList(),
                ControlCodec.encodeResponse(list)));
        ControlResponse closed = new ControlResponse.ForwardsClosed(2);
        assertEquals(closed, ControlCodec.decodeResponse(new ControlRequest.ForwardClose(Optional.empty(),
                Optional.empty(), Optional.empty(), true), ControlCodec.encodeResponse(closed)));
    }

    @Test
    void incompleteRequestsAreRefused() {
        byte[] noBody = P2pdProtos.Request.newBuilder().setType(P2pdProtos.Request.Type.FORWARD).build().toByteArray();
        assertThrows(BadRequestException.class, () -> ControlCodec.decodeRequest(noBody));
        byte[] noProto = forward(P2pdProtos.ForwardRequest.newBuilder()
                .setType(P2pdProtos.ForwardRequest.Type.LISTEN));
        assertThrows(FormatException.class, () -> ControlCodec.decodeRequest(noProto));
        byte[] noPeer = forward(P2pdProtos.ForwardRequest.newBuilder()
                .setType(P2pdProtos.ForwardRequest.Type.FORWARD).setProto("/x/a")
                .setAddr(com.google.protobuf.ByteString.copyFrom(new byte[] {4, 127, 0, 0, 1, 6, 0, 0})));
        assertThrows(FormatException.class, () -> ControlCodec.decodeRequest(noPeer));
        byte[] closeNothing = forward(P2pdProtos.ForwardRequest.newBuilder()
                .setType(P2pdProtos.ForwardRequest.Type.CLOSE));
        assertThrows(FormatException.class, () -> ControlCodec.decodeRequest(closeNothing));
    }

    private static byte[] forward(P2pdProtos.ForwardRequest.Builder f) {
        return P2pdProtos.Request.newBuilder().setType(P2pdProtos.Request.Type.FORWARD).setForward(f).build()
                .toByteArray();
    }
}
