package org.jlibp2p.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.muxer.mplex.Mplex;
import org.jlibp2p.muxer.mplex.MplexSession;
import org.junit.jupiter.api.Timeout;

/**
 * An mplex session, as dialer or listener, whose remote sends the fuzzer's frames (see {@link MuxerDriver} for what
 * is checked).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MplexFuzzTest {
    private static final Mplex MPLEX = new Mplex();

    @FuzzTest
    void session(FuzzedDataProvider data) throws Exception {
        boolean initiator = data.consumeBoolean();
        byte[] localWrites = data.consumeBytes(data.consumeInt(0, 1024));
        byte[] remoteSends = data.consumeRemainingAsBytes();
        MuxerDriver.<MplexSession>run(MPLEX, initiator, localWrites, remoteSends, MplexSession::closeReason,
                8 * 1024 * 1024, 256);
    }
}
