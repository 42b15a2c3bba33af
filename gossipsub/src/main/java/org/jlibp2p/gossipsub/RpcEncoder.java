package org.jlibp2p.gossipsub;

import java.util.IdentityHashMap;
import java.util.List;
import org.jlibp2p.core.multiformats.Varint;

/**
 * Encodes RPCs as length-prefixed frames for the wire, marshalling each message once however many peers it goes
 * to: a message published or forwarded to a mesh is one {@link Message} object in every peer's RPC, so its protobuf
 * is kept (by identity) and each peer's frame is put together from it and that peer's own subscriptions and control.
 * The frame is byte for byte the length prefix and {@link RpcCodec#encode} of the same RPC: an RPC's fields are
 * marshalled in field order (subscriptions 1, publish 2, control 3), so the three parts concatenate.
 *
 * <p>Not thread-safe (the behaviour's thread owns it). At most {@value #MAX_ENTRIES} messages or {@value #MAX_BYTES}
 * bytes are kept; past either, the cache starts over.
 */
final class RpcEncoder {
    // A message goes to its peers within one call into the router, so a few kept are enough; more would only keep
    // garbage alive through collections.
    static final int MAX_ENTRIES = 64;
    static final int MAX_BYTES = 1 << 20;
    /** The tag of {@code RPC.publish}: field 2, length-delimited. */
    private static final int PUBLISH_TAG = (2 << 3) | 2;
    private static final byte[] NONE = new byte[0];

    private final IdentityHashMap<Message, byte[]> encoded = new IdentityHashMap<>();
    private long cachedBytes;
    private long hits;
    private Rpc lastRpc;
    private byte[] lastFrame;

    /**
     * {@code rpc} as {@code varint(length) || RpcCodec.encode(rpc)}. The same RPC object sent again (an IDONTWANT
     * goes to every mesh peer as one) gets the same frame; frames are only ever read.
     */
    byte[] frame(Rpc rpc) {
        if (rpc == lastRpc) {
            return lastFrame;
        }
        byte[] frame = assemble(rpc);
        lastRpc = rpc;
        lastFrame = frame;
        return frame;
    }

    private byte[] assemble(Rpc rpc) {
        List<Message> messages = rpc.messages();
        byte[] head = rpc.subscriptions().isEmpty() ? NONE : RpcCodec.encode(Rpc.ofSubscriptions(rpc.subscriptions()));
        byte[] tail = rpc.control().isEmpty() ? NONE : RpcCodec.encode(Rpc.ofControl(rpc.control()));
        byte[][] bodies = new byte[messages.size()][];
        long length = (long) head.length + tail.length;
        for (int i = 0; i < bodies.length; i++) {
            byte[] body = message(messages.get(i));
            bodies[i] = body;
            length += 1 + Varint.encodedLength(body.length) + body.length;
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("an RPC of " + length + " bytes");
        }
        int total = (int) length;
        byte[] out = new byte[Varint.encodedLength(total) + total];
        int at = Varint.encode(total, out, 0);
        System.arraycopy(head, 0, out, at, head.length);
        at += head.length;
        for (byte[] body : bodies) {
            out[at++] = (byte) PUBLISH_TAG;
            at += Varint.encode(body.length, out, at);
            System.arraycopy(body, 0, out, at, body.length);
            at += body.length;
        }
        System.arraycopy(tail, 0, out, at, tail.length);
        return out;
    }

    /** The protobuf of {@code m}, marshalled at its first use. */
    byte[] message(Message m) {
        byte[] body = encoded.get(m);
        if (body != null) {
            hits++;
            return body;
        }
        body = RpcCodec.toProto(m).toByteArray();
        if (encoded.size() >= MAX_ENTRIES || cachedBytes + body.length > MAX_BYTES) {
            encoded.clear();
            cachedBytes = 0;
        }
        encoded.put(m, body);
        cachedBytes += body.length;
        return body;
    }

    /** Messages whose protobuf was reused (for tests). */
    long hits() {
        return hits;
    }

    /** Messages kept now (for tests). */
    int cached() {
        return encoded.size();
    }
}
