package org.jlibp2p.core.swarm;

/** Who opened a connection or stream. */
public enum Direction {
    INBOUND,
    OUTBOUND
}
