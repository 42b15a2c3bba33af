package org.jlibp2p.core.swarm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The behaviour behind {@link Swarm#setStreamHandler}: node-wide handlers the application registers by protocol. */
final class AppStreamHandlers implements Behaviour {
    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();

    void put(String protocol, StreamHandler handler) {
        handlers.put(protocol, handler);
    }

    void remove(String protocol) {
        handlers.remove(protocol);
    }

    @Override
    public ConnectionHandler newHandler(HandlerContext context) {
        return stream -> {
            StreamHandler h = handlers.get(stream.protocol());
            if (h == null) {
                stream.reset();
                return;
            }
            h.handle(stream);
        };
    }

    @Override
    public String toString() {
        return "stream handlers";
    }
}
