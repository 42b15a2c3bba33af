package org.jlibp2p.gossipsub;

/** Which router a node runs. */
public enum RouterMode {
    /** Gossipsub v1.2, v1.1 and v1.0 ({@code /meshsub/...}), talking to floodsub peers too. */
    GOSSIPSUB,
    /** Floodsub ({@code /floodsub/1.0.0}) alone: every message to every peer of its topic. */
    FLOODSUB
}
