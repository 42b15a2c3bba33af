package org.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checks the fuzz targets rely on fail when they should, so that a target that passes means something. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChecksTest {
    @Test
    void aDocumentedExceptionIsAnEmptyResult() {
        assertEquals(Optional.empty(), Checks.expect(() -> {
            throw new FormatException("bad");
        }, FormatException.class));
        assertEquals(Optional.of(7), Checks.expect(() -> 7, FormatException.class));
    }

    @Test
    void anUndocumentedExceptionFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> Checks.expect(() -> {
            throw new ArrayIndexOutOfBoundsException(3);
        }, IOException.class));
        assertTrue(e.getCause() instanceof ArrayIndexOutOfBoundsException, e.toString());
        assertThrows(AssertionError.class, () -> Checks.expect(() -> {
            throw new EOFException();
        }, FormatException.class), "an IOException other than the ones allowed fails too");
    }

    @Test
    void allocatingForAClaimedLengthFails() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Checks.allocatesAtMost(Checks.bound(16, 1024 * 1024, 1024), () -> {
                    byte[] claimed = new byte[64 * 1024 * 1024];
                    claimed[claimed.length - 1] = 1;
                }));
        assertTrue(e.getMessage().contains("more than the bound"), e.getMessage());
    }

    @Test
    void allocatingWithinTheBoundPasses() throws Exception {
        Checks.allocatesAtMost(Checks.bound(1024, 1024 * 1024, 1024), () -> {
            byte[] copy = new byte[1024];
            copy[0] = 1;
        });
    }
}
