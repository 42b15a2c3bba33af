package org.jlibp2p.ipfs.bitswap;

import java.time.Duration;

/**
 * Where a fetch stands: bytes of blocks held (fetched or found stored) out of the DAG's total (-1 until the root
 * block is known), blocks fetched from the network and still wanted, the providers in use, and time spent.
 */
public record FetchProgress(long bytesDone, long bytesTotal, long bytesFetched, long blocksFetched,
        long blocksRemaining, int peers, Duration elapsed) {}
