package org.jlibp2p.core.peer;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.crypto.KeyFormatException;
import org.jlibp2p.core.crypto.Keys;
import org.jlibp2p.core.crypto.PublicKey;
import org.jlibp2p.core.multiformats.Base58;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multibase;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.core.multiformats.Multihash;

/**
 * The identity of a peer: the multihash of its marshalled public key, the key itself (identity multihash) when it
 * takes at most {@value #MAX_INLINE_KEY_LENGTH} bytes, its sha2-256 otherwise.
 *
 * <p>Only those two forms are peer ids: an identity multihash must hold a valid public key in its canonical
 * encoding, so that {@link #extractPublicKey()} always succeeds for it. The text form is the bare base58btc of the
 * multihash ({@code 12D3KooW...}, {@code 16Uiu2...}, {@code Qm...}); {@link #parse(String)} also reads the CIDv1
 * form ({@code bafz...}, {@code k51...}). Peer ids order by their bytes.
 */
public final class PeerId implements Comparable<PeerId> {
    /** Marshalled keys up to this many bytes are inlined in the peer id. */
    public static final int MAX_INLINE_KEY_LENGTH = 42;

    /** Longer text is refused before decoding (the longest peer id CID is well under 100 characters). */
    private static final int MAX_TEXT_LENGTH = 128;

    private final Multihash multihash;
    private final byte[] bytes;

    private PeerId(Multihash multihash) {
        this.multihash = multihash;
        this.bytes = multihash.bytes();
    }

    /** The peer id of {@code key}. */
    public static PeerId fromPublicKey(PublicKey key) {
        byte[] marshalled = key.marshal();
        return new PeerId(marshalled.length <= MAX_INLINE_KEY_LENGTH
                ? Multihash.identity(marshalled)
                : Multihash.sha256(marshalled));
    }

    /** The peer id whose binary form (a multihash) is {@code bytes}. */
    public static PeerId fromBytes(byte[] bytes) throws PeerIdException {
        try {
            return fromMultihash(Multihash.fromBytes(bytes));
        } catch (FormatException e) {
            if (e instanceof PeerIdException p) {
                throw p;
            }
            throw new PeerIdException("not a peer id: " + e.getMessage(), e);
        }
    }

    /** The peer id that is {@code multihash}. */
    public static PeerId fromMultihash(Multihash multihash) throws PeerIdException {
        Objects.requireNonNull(multihash, "multihash");
        if (multihash.code() == Multicodec.IDENTITY.code()) {
            byte[] digest = multihash.digest();
            if (digest.length > MAX_INLINE_KEY_LENGTH) {
                throw new PeerIdException("an identity peer id inlines at most " + MAX_INLINE_KEY_LENGTH
                        + " bytes of key, not " + digest.length);
            }
            PublicKey key;
            try {
                key = Keys.unmarshalPublicKey(digest);
            } catch (KeyFormatException e) {
                throw new PeerIdException("identity peer id does not hold a valid public key: " + e.getMessage(), e);
            }
            if (!Arrays.equals(key.marshal(), digest)) {
                throw new PeerIdException("identity peer id holds a public key in a non-canonical encoding");
            }
        } else if (multihash.code() != Multicodec.SHA2_256.code()) {
            throw new PeerIdException("a peer id is an identity or sha2-256 multihash, not function 0x"
                    + Integer.toHexString(multihash.code()));
        }
        return new PeerId(multihash);
    }

    /**
     * Parses either text form: bare base58btc ({@code 1...}, {@code Qm...}) or a multibase CIDv1 with the
     * {@code libp2p-key} codec ({@code bafz...}, {@code k51...}, ...).
     */
    public static PeerId parse(String text) throws PeerIdException {
        if (text.isEmpty()) {
            throw new PeerIdException("empty peer id");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new PeerIdException("peer id text of " + text.length() + " characters is too long");
        }
        try {
            if (text.startsWith("1") || text.startsWith("Qm")) {
                return fromBytes(Base58.decode(text));
            }
            Cid cid = Cid.parse(text);
            if (cid.version() != 1 || cid.codec() != Multicodec.LIBP2P_KEY.code()) {
                throw new PeerIdException("a peer id CID must be a CIDv1 with codec libp2p-key (0x72), not version "
                        + cid.version() + " codec 0x" + Integer.toHexString(cid.codec()));
            }
            return fromMultihash(cid.multihash());
        } catch (PeerIdException e) {
            throw e;
        } catch (FormatException e) {
            throw new PeerIdException("not a peer id: " + e.getMessage(), e);
        }
    }

    /** The binary form (the multihash); a fresh copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The multihash. */
    public Multihash multihash() {
        return multihash;
    }

    /** The bare base58btc text form, e.g. {@code 12D3KooW...}. */
    public String toBase58() {
        return Base58.encode(bytes);
    }

    /** The CIDv1 with the {@code libp2p-key} codec. */
    public Cid toCid() {
        return Cid.v1(Multicodec.LIBP2P_KEY, multihash);
    }

    /** The CIDv1 text form in base32, e.g. {@code bafz...}. */
    public String toCidString() {
        return toCidString(Multibase.Encoding.BASE32);
    }

    /** The CIDv1 text form in the multibase {@code encoding}, e.g. base36 for {@code k51...}. */
    public String toCidString(Multibase.Encoding encoding) {
        return toCid().toString(encoding);
    }

    /** The public key inlined in an identity peer id; empty for a hashed one. */
    public Optional<PublicKey> extractPublicKey() {
        if (multihash.code() != Multicodec.IDENTITY.code()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Keys.unmarshalPublicKey(multihash.digest()));
        } catch (KeyFormatException e) {
            throw new IllegalStateException("identity peer ids are validated on construction", e);
        }
    }

    /** Whether this is the peer id of {@code key}. */
    public boolean matches(PublicKey key) {
        return equals(fromPublicKey(key));
    }

    @Override
    public int compareTo(PeerId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The bare base58btc form. */
    @Override
    public String toString() {
        return toBase58();
    }
}
