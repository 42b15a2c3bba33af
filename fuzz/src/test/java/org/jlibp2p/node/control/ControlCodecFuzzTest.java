package org.jlibp2p.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.fuzz.Checks;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon control protocol's messages: the input as a request (what the daemon reads from a client), as the
 * response to each kind of request (what a client reads from a daemon), and as the stream info a handler reads.
 * Each fails only with {@link BadRequestException} or a {@link FormatException}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlCodecFuzzTest {
    private static final PeerId PEER = PeerId.fromPublicKey(Keys.generateEd25519().publicKey());
    private static final List<ControlRequest> ANSWERED = List.of(new ControlRequest.Identify(),
            new ControlRequest.ListPeers(), new ControlRequest.Disconnect(PEER), new ControlRequest.GetProtocols(PEER),
            new ControlRequest.GetPeerInfo(PEER),
            new ControlRequest.StreamOpen(PEER, List.of("/x/1.0.0"), Duration.ofSeconds(1)),
            new ControlRequest.FindPeer(PEER, Duration.ofSeconds(1)),
            new ControlRequest.SearchValue(new byte[] {1}, Duration.ofSeconds(1)));

    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<ControlRequest> request = Checks.expect(() -> ControlCodec.decodeRequest(input),
                    BadRequestException.class, FormatException.class);
            if (request.isPresent() && !(request.get() instanceof ControlRequest.Unsupported)) {
                assertEquals(request.get(), ControlCodec.decodeRequest(ControlCodec.encodeRequest(request.get())),
                        "a decoded request encodes back to itself");
            }
            for (ControlRequest answered : ANSWERED) {
                Optional<ControlResponse> response = Checks.expect(() -> ControlCodec.decodeResponse(answered, input),
                        FormatException.class);
                if (response.isPresent()) {
                    ControlResponse again = ControlCodec.decodeResponse(answered,
                            ControlCodec.encodeResponse(response.get()));
                    assertEquals(response.get(), again, "a decoded response encodes back to itself");
                }
            }
            Optional<StreamInfo> info = Checks.expect(() -> ControlCodec.decodeStreamInfo(input),
                    FormatException.class);
            if (info.isPresent()) {
                assertEquals(info.get(), ControlCodec.decodeStreamInfo(ControlCodec.encodeStreamInfo(info.get())));
            }
        });
    }
}
