package org.jlibp2p.simulator;

import java.util.List;

/**
 * Regions and the one-way latency between them. {@link #eight()} is a world of eight regions with 2 ms inside a
 * region and 10 to 220 ms between regions, of the size of the network graph libp2p/test-plans' gossipsub-interop
 * runs on in Shadow (the figures here are round numbers from public inter-region round-trip times, halved).
 */
record Regions(List<String> names, long[][] latencyNanos) {
    private static final double[][] EIGHT_MS = {
        //  use   usw   euw   euc   ase   apne  sae   afs
        {   2,   32,   38,   45,  110,   80,   60,  110},  // us-east
        {  32,    2,   70,   75,   85,   55,   90,  140},  // us-west
        {  38,   70,    2,   10,   85,  110,   95,   80},  // eu-west
        {  45,   75,   10,    2,   80,  115,  100,   85},  // eu-central
        { 110,   85,   85,   80,    2,   35,  160,  130},  // ap-southeast
        {  80,   55,  110,  115,   35,    2,  130,  180},  // ap-northeast
        {  60,   90,   95,  100,  160,  130,    2,  220},  // sa-east
        { 110,  140,   80,   85,  130,  180,  220,    2},  // af-south
    };

    static Regions eight() {
        long[][] ns = new long[8][8];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                ns[i][j] = (long) (EIGHT_MS[i][j] * 1_000_000);
            }
        }
        return new Regions(List.of("us-east", "us-west", "eu-west", "eu-central", "ap-southeast", "ap-northeast",
                "sa-east", "af-south"), ns);
    }

    /** One region, every link {@code ms} one way: no latency spread. */
    static Regions uniform(double ms) {
        return new Regions(List.of("uniform"), new long[][] {{(long) (ms * 1_000_000)}});
    }
}
