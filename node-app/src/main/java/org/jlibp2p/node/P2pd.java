package org.jlibp2p.node;

/** The daemon's entry point ({@code bin/p2pd}). */
public final class P2pd {
    private P2pd() {}

    public static void main(String[] args) {
        System.err.println("p2pd: not built yet");
        System.exit(2);
    }
}
