package org.jlibp2p.node.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jlibp2p.ipfs.bitswap.BitswapBehaviour;

/** Bitswap: blocks and their bytes sent and received, and peers caught sending blocks nobody asked for. */
final class BitswapMetrics implements MetricsSource {
    private final BitswapBehaviour bitswap;

    BitswapMetrics(BitswapBehaviour bitswap) {
        this.bitswap = bitswap;
    }

    @Override
    public void register(PrometheusRegistry registry) {
        CounterWithCallback.builder().name("libp2p_bitswap_blocks").help("Bitswap blocks sent and received (wanted)")
                .labelNames("direction").callback(cb -> {
                    cb.call(bitswap.blocksSent(), "sent");
                    cb.call(bitswap.blocksReceived(), "received");
                }).register(registry);
        CounterWithCallback.builder().name("libp2p_bitswap_block_bytes")
                .help("Bytes of the Bitswap blocks sent and received (block data)")
                .labelNames("direction").callback(cb -> {
                    cb.call(bitswap.bytesSent(), "sent");
                    cb.call(bitswap.bytesReceived(), "received");
                }).register(registry);
        CounterWithCallback.builder().name("libp2p_bitswap_bad_blocks")
                .help("Blocks received that were never asked of their sender (the sender is banned)")
                .callback(cb -> cb.call(bitswap.badBlocks())).register(registry);
    }
}
