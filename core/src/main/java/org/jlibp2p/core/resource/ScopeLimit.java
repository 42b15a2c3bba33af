package org.jlibp2p.core.resource;

/**
 * What one scope of the {@link ResourceManager} may hold at once. {@link #UNLIMITED} in a field means no limit.
 *
 * @param connectionsInbound connections the remote opened
 * @param connectionsOutbound connections this node opened
 * @param connections both together
 * @param streamsInbound streams the remote opened
 * @param streamsOutbound streams this node opened
 * @param streams both together
 * @param memory bytes reserved by the stream handlers and queues under this scope
 * @param fileDescriptors sockets (each connection holds one)
 */
public record ScopeLimit(int connectionsInbound, int connectionsOutbound, int connections, int streamsInbound,
        int streamsOutbound, int streams, long memory, int fileDescriptors) {
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** A scope without any limit. */
    public static final ScopeLimit NONE = new ScopeLimit(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED,
            UNLIMITED, Long.MAX_VALUE, UNLIMITED);

    public ScopeLimit {
        if (connectionsInbound < 0 || connectionsOutbound < 0 || connections < 0 || streamsInbound < 0
                || streamsOutbound < 0 || streams < 0 || memory < 0 || fileDescriptors < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    /** The same with the three connection limits set; {@code total} also caps each direction. */
    public ScopeLimit withConnections(int inbound, int outbound, int total) {
        return new ScopeLimit(inbound, outbound, total, streamsInbound, streamsOutbound, streams, memory,
                fileDescriptors);
    }

    /** The same with every connection limit (each direction and the total) set to {@code n}. */
    public ScopeLimit withConnections(int n) {
        return withConnections(n, n, n);
    }

    public ScopeLimit withStreams(int inbound, int outbound, int total) {
        return new ScopeLimit(connectionsInbound, connectionsOutbound, connections, inbound, outbound, total, memory,
                fileDescriptors);
    }

    public ScopeLimit withStreams(int n) {
        return withStreams(n, n, n);
    }

    public ScopeLimit withMemory(long bytes) {
        return new ScopeLimit(connectionsInbound, connectionsOutbound, connections, streamsInbound, streamsOutbound,
                streams, bytes, fileDescriptors);
    }

    public ScopeLimit withFileDescriptors(int n) {
        return new ScopeLimit(connectionsInbound, connectionsOutbound, connections, streamsInbound, streamsOutbound,
                streams, memory, n);
    }
}
