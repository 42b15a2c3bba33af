package org.jlibp2p.simulator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated network below the protocols: each node sits in a region and has an upload and a download rate;
 * a message of {@code b} bytes from {@code a} to {@code c} leaves when {@code a}'s upload queue has sent what was
 * before it and {@code b} more bytes, travels the one-way latency between the two regions, and is read when
 * {@code c}'s download queue has taken it in (store and forward at each end). A message may be lost with a fixed
 * probability. Noise and Yamux are not modelled: their framing costs a few bytes per message, which are not counted.
 */
final class Network {
    /** A bandwidth class: the share of nodes in it and their rates in megabits per second. */
    record BandwidthClass(double share, double upMbps, double downMbps) {}

    private final long[][] latencyNanos;
    private final int[] region;
    private final double[] upNanosPerByte;
    private final double[] downNanosPerByte;
    private final long[] upFree;
    private final long[] downFree;
    private final double loss;
    private final SplittableRandom random;
    private final long[] bytesSent;
    private final long[] bytesReceived;
    private long messages;
    private long lost;

    Network(int nodes, Regions regions, List<BandwidthClass> classes, double loss, SplittableRandom random) {
        this.latencyNanos = regions.latencyNanos();
        this.region = new int[nodes];
        this.upNanosPerByte = new double[nodes];
        this.downNanosPerByte = new double[nodes];
        this.upFree = new long[nodes];
        this.downFree = new long[nodes];
        this.bytesSent = new long[nodes];
        this.bytesReceived = new long[nodes];
        this.loss = loss;
        this.random = random;
        double total = classes.stream().mapToDouble(BandwidthClass::share).sum();
        for (int i = 0; i < nodes; i++) {
            region[i] = random.nextInt(latencyNanos.length);
            double pick = random.nextDouble() * total;
            BandwidthClass chosen = classes.getLast();
            for (BandwidthClass c : classes) {
                if (pick < c.share()) {
                    chosen = c;
                    break;
                }
                pick -= c.share();
            }
            upNanosPerByte[i] = 8e3 / chosen.upMbps();
            downNanosPerByte[i] = 8e3 / chosen.downMbps();
        }
    }

    int regionOf(int node) {
        return region[node];
    }

    long latency(int a, int b) {
        return latencyNanos[region[a]][region[b]];
    }

    /** The time a message of {@code bytes} from {@code a} to {@code b} sent at {@code now} takes without queues. */
    long idealDelay(int a, int b, int bytes) {
        return latency(a, b) + (long) (bytes * Math.max(upNanosPerByte[a], downNanosPerByte[b]));
    }

    /**
     * Books the upload of a message of {@code bytes} from {@code a} to {@code b} at {@code now}; returns when its last
     * byte reaches {@code b}, or -1 if it is lost. The caller then calls {@link #receive} at that time, so that
     * {@code b}'s download queue takes messages in the order they arrive.
     */
    long send(int a, int b, int bytes, long now) {
        messages++;
        bytesSent[a] += bytes;
        long departed = Math.max(now, upFree[a]) + (long) (bytes * upNanosPerByte[a]);
        upFree[a] = departed;
        if (loss > 0 && random.nextDouble() < loss) {
            lost++;
            return -1;
        }
        return departed + latency(a, b);
    }

    /**
     * A message of {@code bytes} from {@code a} has arrived at {@code b} at {@code now}; returns when {@code b} has
     * read it: not before it arrived, not before its first byte arrived plus its download time, and not before
     * what {@code b} was downloading before it plus its download time.
     */
    long receive(int a, int b, int bytes, long now) {
        long down = (long) (bytes * downNanosPerByte[b]);
        long firstByte = now - (long) (bytes * upNanosPerByte[a]);
        long read = Math.max(now, Math.max(firstByte + down, downFree[b] + down));
        downFree[b] = read;
        bytesReceived[b] += bytes;
        return read;
    }

    /**
     * Sends a message of {@code bytes} from {@code a} to {@code b} now and runs {@code onRead} when {@code b} has
     * read it; returns false if it is lost.
     */
    boolean transmit(EventLoop loop, int a, int b, int bytes, Runnable onRead) {
        long at = send(a, b, bytes, loop.nanoTime());
        if (at < 0) {
            return false;
        }
        loop.at(at, () -> {
            long read = receive(a, b, bytes, loop.nanoTime());
            if (read <= loop.nanoTime()) {
                onRead.run();
            } else {
                loop.at(read, onRead);
            }
        });
        return true;
    }

    /** A node that leaves loses what its queues held. */
    void reset(int node, long now) {
        upFree[node] = now;
        downFree[node] = now;
    }

    long messages() {
        return messages;
    }

    long lost() {
        return lost;
    }

    long bytesSent(int node) {
        return bytesSent[node];
    }

    long bytesReceived(int node) {
        return bytesReceived[node];
    }
}
