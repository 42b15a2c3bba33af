package org.jlibp2p.autonat;

/** Whether other peers can dial this node, as AutoNAT servers answered. */
public enum Reachability {
    /** Enough servers dialled one of the node's addresses back. */
    PUBLIC,
    /** Enough servers tried the node's addresses and failed: it sits behind a NAT or a firewall. */
    PRIVATE,
    /** Not known yet, or the servers could not tell (they refused, or none answered). */
    UNKNOWN
}
