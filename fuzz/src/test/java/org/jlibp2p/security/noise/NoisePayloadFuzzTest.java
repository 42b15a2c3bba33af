package org.jlibp2p.security.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.crypto.KeyPair;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.io.MemoryPipe;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.proto.noise.NoiseProtos.NoiseExtensions;
import org.jlibp2p.proto.noise.NoiseProtos.NoiseHandshakePayload;
import org.junit.jupiter.api.Timeout;

/**
 * The Noise handshake payload behind a valid handshake: a remote responder that runs the real Noise state machine
 * sends, encrypted and authenticated, a payload the fuzzer chooses, either raw bytes or a payload with the remote's
 * true identity key and signature and fuzzed extensions (stream muxers). The initiator completes only on a payload
 * whose signature verifies, and then agrees on a muxer both sides listed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NoisePayloadFuzzTest {
    private static final KeyPair REMOTE_IDENTITY = Keys.generateEd25519();
    private static final X25519KeyPair REMOTE_STATIC = X25519KeyPair.generate(new SecureRandom());
    private static final ByteString REMOTE_SIGNATURE = ByteString.copyFrom(
            REMOTE_IDENTITY.privateKey().sign(NoiseSecureChannel.signedData(REMOTE_STATIC.publicKey())));

    @FuzzTest
    void payload(FuzzedDataProvider data) throws Exception {
        boolean signed = data.consumeBoolean();
        byte[] payload;
        List<String> remoteMuxers = new ArrayList<>();
        if (signed) {
            int count = data.consumeInt(0, 8);
            for (int i = 0; i < count; i++) {
                remoteMuxers.add(data.consumeString(64));
            }
            payload = NoiseHandshakePayload.newBuilder()
                    .setIdentityKey(ByteString.copyFrom(REMOTE_IDENTITY.publicKey().marshal()))
                    .setIdentitySig(REMOTE_SIGNATURE)
                    .setExtensions(NoiseExtensions.newBuilder().addAllStreamMuxers(remoteMuxers))
                    .build().toByteArray();
        } else {
            payload = data.consumeRemainingAsBytes();
        }
        if (payload.length > NoiseSession.MAX_PLAINTEXT - 80) {
            return; // more than one Noise message carries
        }

        MemoryPipe.Pair pipe = MemoryPipe.create();
        Thread remote = Thread.ofVirtual().start(() -> respond(pipe, payload));
        Optional<NoiseSession> session;
        try {
            session = Checks.expect(() -> NoiseFuzzing.CHANNEL.secureOutbound(pipe.a()),
                    NoiseFuzzing.HANDSHAKE_FAILURES);
        } finally {
            pipe.a().close();
            assertTrue(remote.join(Duration.ofSeconds(10)), "the remote's thread ended");
        }
        if (signed) {
            assertTrue(session.isPresent(), "a payload signed by its sender is accepted");
            assertEquals(PeerId.fromPublicKey(REMOTE_IDENTITY.publicKey()), session.get().remotePeer());
            Optional<String> muxer = session.get().negotiatedMuxer();
            muxer.ifPresent(m -> assertTrue(NoiseFuzzing.MUXERS.contains(m) && remoteMuxers.contains(m), m));
            assertEquals(NoiseFuzzing.MUXERS.stream().filter(remoteMuxers::contains).findFirst(), muxer,
                    "the initiator's first muxer the responder also lists");
        }
    }

    /** The responder's side, message by message, with the payload given; ends when the initiator hangs up. */
    private static void respond(MemoryPipe.Pair pipe, byte[] payload) {
        HandshakeState hs = new HandshakeState(false, new byte[0], REMOTE_STATIC,
                () -> X25519KeyPair.generate(new SecureRandom()));
        try {
            byte[] first = NoiseSecureChannel.readFrame(pipe.b().input());
            hs.readMessage(first, 0, first.length);
            pipe.b().output().write(NoiseFuzzing.frame(hs.writeMessage(payload)));
            pipe.b().output().flush();
            InputStream in = pipe.b().input();
            while (in.read() >= 0) {
                // the initiator's last message, until it hangs up
            }
        } catch (IOException e) {
            // the initiator hung up
        } finally {
            try {
                pipe.b().close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
