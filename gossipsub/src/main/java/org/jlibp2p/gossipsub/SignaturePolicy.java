package org.jlibp2p.gossipsub;

/** How messages are authored and signed (libp2p/specs {@code pubsub/README.md}, "Message signing"). */
public enum SignaturePolicy {
    /**
     * The default, as go's daemon: messages carry their author ({@code from}), a sequence number and a signature
     * by the author's key over {@code "libp2p-pubsub:"} and the message without its signature (and the author's
     * public key in {@code key} when the peer id does not inline it); a message received without a valid signature
     * is rejected.
     */
    STRICT_SIGN,
    /**
     * Messages carry their author and a sequence number but no signature; a message received with a signature or
     * key is rejected.
     */
    STRICT_NO_SIGN,
    /**
     * Messages carry neither author, sequence number, signature nor key, and a message received with any of them is
     * rejected. Message ids must then come from the content ({@link MessageIdFunction#CONTENT_HASH}, the default
     * under this policy).
     */
    ANONYMOUS
}
