package org.jlibp2p.node.chat;

import java.io.IOException;

/** Bytes from a peer that are not a chat message, or break one of {@link ChatCodec}'s limits. */
public final class ChatFormatException extends IOException {
    public ChatFormatException(String message) {
        super(message);
    }
}
