package org.jlibp2p.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.muxer.yamux.Yamux;
import org.jlibp2p.muxer.yamux.YamuxSession;
import org.junit.jupiter.api.Timeout;

/**
 * A Yamux session, as dialer or listener, whose remote sends the fuzzer's frames (see {@link MuxerDriver} for what
 * is checked).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class YamuxFuzzTest {
    private static final Yamux YAMUX = new Yamux();

    @FuzzTest
    void session(FuzzedDataProvider data) throws Exception {
        boolean initiator = data.consumeBoolean();
        byte[] localWrites = data.consumeBytes(data.consumeInt(0, 1024));
        byte[] remoteSends = data.consumeRemainingAsBytes();
        MuxerDriver.<YamuxSession>run(YAMUX, initiator, localWrites, remoteSends, YamuxSession::closeReason,
                8 * 1024 * 1024, 256);
    }
}
