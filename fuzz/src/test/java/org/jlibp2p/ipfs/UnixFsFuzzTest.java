package org.jlibp2p.ipfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.fuzz.Checks;
import org.jlibp2p.ipfs.unixfs.DagPb;
import org.jlibp2p.ipfs.unixfs.UnixFsData;
import org.junit.jupiter.api.Timeout;

/**
 * dag-pb blocks and the UnixFS data inside them, as a provider sends them: decoding fails only with an
 * {@link IpfsFormatException}; a dag-pb node that decodes (strictly) re-encodes to the very same bytes, as its CID
 * depends on them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnixFsFuzzTest {
    @FuzzTest
    void decode(byte[] input) throws Exception {
        Checks.allocatesAtMost(Checks.bound(input.length, 4 * 1024 * 1024, 1024), () -> {
            Optional<DagPb.Node> n = Checks.expect(() -> DagPb.decode(input), IpfsFormatException.class);
            if (n.isPresent()) {
                assertArrayEquals(input, DagPb.encode(n.get()), "strict dag-pb is canonical");
                n.get().data().ifPresent(d -> Checks.expect(() -> UnixFsData.decode(d), IpfsFormatException.class));
            }
        });
    }
}
