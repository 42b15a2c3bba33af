package org.jlibp2p.relay.dcutr;

import java.time.Duration;
import java.time.Instant;

/**
 * The initiator's side of DCUtR as a state machine without I/O: each round sends CONNECT (at a time the caller
 * gives), measures the round-trip time when the answer comes, and says how long to wait after SYNC before dialling
 * (half the round trip); a failed round is followed by another until {@code maxAttempts}.
 */
final class PunchRounds {
    enum State { IDLE, AWAITING_CONNECT, DIALLING, DONE }

    private final int maxAttempts;
    private int attempt;
    private State state = State.IDLE;
    private Instant connectSentAt;
    private Duration rtt = Duration.ZERO;

    PunchRounds(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** A new round: CONNECT leaves now. */
    void connectSent(Instant now) {
        if (state != State.IDLE) {
            throw new IllegalStateException("CONNECT in state " + state);
        }
        attempt++;
        connectSentAt = now;
        state = State.AWAITING_CONNECT;
    }

    /** The peer's CONNECT arrived: returns how long to wait after sending SYNC before dialling. */
    Duration connectReceived(Instant now) {
        if (state != State.AWAITING_CONNECT) {
            throw new IllegalStateException("CONNECT answer in state " + state);
        }
        rtt = Duration.between(connectSentAt, now);
        if (rtt.isNegative()) {
            rtt = Duration.ZERO;
        }
        state = State.DIALLING;
        return rtt.dividedBy(2);
    }

    /** The round's dial failed: whether another round follows. */
    boolean dialFailed() {
        if (state != State.DIALLING && state != State.AWAITING_CONNECT) {
            throw new IllegalStateException("dial failure in state " + state);
        }
        state = attempt < maxAttempts ? State.IDLE : State.DONE;
        return state == State.IDLE;
    }

    void succeeded() {
        state = State.DONE;
    }

    int attempt() {
        return attempt;
    }

    Duration rtt() {
        return rtt;
    }

    State state() {
        return state;
    }
}
