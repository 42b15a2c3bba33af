package org.jlibp2p.core.multiaddr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jlibp2p.core.multiformats.Multihash;
import org.jlibp2p.core.multiformats.MultihashException;
import org.jlibp2p.core.multiformats.Varint;
import org.jlibp2p.core.multiformats.VarintException;

/**
 * A multiaddr: a self-describing network address made of protocol components, such as
 * {@code /ip4/1.2.3.4/udp/4001/quic-v1/p2p/12D3KooW...}, in its string and binary forms.
 *
 * <p>Immutable; equality is by binary form. Parsing checks every value (addresses, ports, names, peer ids,
 * certificate hashes) and throws {@link MultiaddrException} naming the offending component. The empty multiaddr
 * only results from {@link #decapsulate}; it has no form that parses.
 */
public final class Multiaddr {
    /** The multiaddr with no components. */
    public static final Multiaddr EMPTY = new Multiaddr(new byte[0], List.of());

    private final byte[] bytes;
    private final List<Component> components;

    private Multiaddr(byte[] bytes, List<Component> components) {
        this.bytes = bytes;
        this.components = components;
    }

    /** A multiaddr of {@code components}; a path component ({@code unix}) may only come last. */
    public static Multiaddr of(List<Component> components) {
        List<Component> copy = List.copyOf(components);
        int length = 0;
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).protocol().kind() == Protocol.Kind.PATH && i != copy.size() - 1) {
                throw new IllegalArgumentException("nothing may follow the path component " + copy.get(i));
            }
            length += copy.get(i).encodedLength();
        }
        byte[] bytes = new byte[length];
        int offset = 0;
        for (Component c : copy) {
            offset += c.writeTo(bytes, offset);
        }
        return new Multiaddr(bytes, copy);
    }

    /** A multiaddr of {@code components}. */
    public static Multiaddr of(Component... components) {
        return of(Arrays.asList(components));
    }

    /**
     * Parses the string form. A trailing {@code /} is ignored, {@code ipfs} is read as {@code p2p}, and a path
     * protocol ({@code unix}) takes the rest of the string.
     */
    public static Multiaddr parse(String text) throws MultiaddrException {
        int n = text.length();
        while (n > 0 && text.charAt(n - 1) == '/') {
            n--;
        }
        if (text.isEmpty() || text.charAt(0) != '/') {
            throw new MultiaddrException("multiaddr '" + Values.shorten(text) + "' does not start with '/'");
        }
        if (n == 0) {
            throw new MultiaddrException("empty multiaddr");
        }
        List<Component> components = new ArrayList<>();
        int pos = 1;
        while (pos <= n) {
            int end = indexOfSlash(text, pos, n);
            String name = text.substring(pos, end);
            Protocol protocol = Protocol.ofName(name).orElseThrow(() -> new MultiaddrException(
                    "unknown protocol '" + Values.shorten(name) + "' at index " + (end - name.length())));
            pos = end + 1;
            if (!protocol.hasValue()) {
                components.add(Component.of(protocol));
                continue;
            }
            if (end >= n) {
                throw new MultiaddrException("/" + protocol.protocolName() + ": missing value at the end");
            }
            String value;
            if (protocol.kind() == Protocol.Kind.PATH) {
                value = text.substring(end, n);
                pos = n + 1;
            } else {
                int valueEnd = indexOfSlash(text, pos, n);
                value = text.substring(pos, valueEnd);
                pos = valueEnd + 1;
            }
            components.add(Component.parse(protocol, value));
        }
        return of(components);
    }

    private static int indexOfSlash(String text, int from, int limit) {
        int i = text.indexOf('/', from);
        return i < 0 || i > limit ? limit : i;
    }

    /** Decodes the binary form; every length prefix is checked against the remaining input before allocating. */
    public static Multiaddr fromBytes(byte[] bytes) throws MultiaddrException {
        if (bytes.length == 0) {
            throw new MultiaddrException("empty multiaddr");
        }
        List<Component> components = new ArrayList<>();
        int i = 0;
        while (i < bytes.length) {
            if (!components.isEmpty() && components.getLast().protocol().kind() == Protocol.Kind.PATH) {
                throw new MultiaddrException("component at byte " + i + " follows the path component "
                        + components.getLast().protocol().protocolName());
            }
            Varint.Decoded code = varint(bytes, i, "protocol code");
            int codeAt = i;
            Protocol protocol = Protocol.ofCode(code.value()).orElseThrow(() -> new MultiaddrException(
                    "unknown protocol code " + code.value() + " at byte " + codeAt));
            i += code.length();
            int size = switch (protocol.kind()) {
                case NONE -> 0;
                case FIXED -> protocol.sizeBits() / 8;
                case VARIABLE, PATH -> {
                    Varint.Decoded length = varint(bytes, i, "/" + protocol.protocolName() + " value length");
                    i += length.length();
                    if (length.value() > bytes.length - i) {
                        throw new MultiaddrException("/" + protocol.protocolName() + ": value length "
                                + length.value() + " exceeds the " + (bytes.length - i) + " bytes left");
                    }
                    yield (int) length.value();
                }
            };
            if (size > bytes.length - i) {
                throw new MultiaddrException("/" + protocol.protocolName() + ": truncated, needs " + size
                        + " bytes, " + (bytes.length - i) + " left");
            }
            byte[] value = Arrays.copyOfRange(bytes, i, i + size);
            String problem = Values.problem(protocol, value);
            if (problem != null) {
                throw new MultiaddrException("/" + protocol.protocolName() + " at byte " + codeAt + ": " + problem);
            }
            components.add(new Component(protocol, value));
            i += size;
        }
        return new Multiaddr(bytes.clone(), Collections.unmodifiableList(components));
    }

    private static Varint.Decoded varint(byte[] bytes, int offset, String what) throws MultiaddrException {
        try {
            return Varint.decode(bytes, offset, bytes.length);
        } catch (VarintException e) {
            throw new MultiaddrException("bad " + what + " at byte " + offset + ": " + e.getMessage(), e);
        }
    }

    /** The binary form (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The components, in order. */
    public List<Component> components() {
        return components;
    }

    /** The protocols of the components, in order. */
    public List<Protocol> protocols() {
        return components.stream().map(Component::protocol).toList();
    }

    /** Whether this is the empty multiaddr. */
    public boolean isEmpty() {
        return components.isEmpty();
    }

    /** This multiaddr followed by {@code other}. */
    public Multiaddr encapsulate(Multiaddr other) {
        List<Component> all = new ArrayList<>(components);
        all.addAll(other.components);
        return of(all);
    }

    /** This multiaddr followed by {@code component}. */
    public Multiaddr encapsulate(Component component) {
        List<Component> all = new ArrayList<>(components);
        all.add(component);
        return of(all);
    }

    /**
     * This multiaddr up to the last occurrence of {@code other}'s components (removing it and everything after
     * it), or this multiaddr unchanged if {@code other} does not occur in it or is empty.
     */
    public Multiaddr decapsulate(Multiaddr other) {
        int m = other.components.size();
        if (m == 0) {
            return this;
        }
        for (int start = components.size() - m; start >= 0; start--) {
            if (components.subList(start, start + m).equals(other.components)) {
                return of(components.subList(0, start));
            }
        }
        return this;
    }

    /**
     * This multiaddr up to the last component of {@code protocol} (removing it and everything after it), or this
     * multiaddr unchanged if the protocol does not occur.
     */
    public Multiaddr decapsulate(Protocol protocol) {
        for (int i = components.size() - 1; i >= 0; i--) {
            if (components.get(i).protocol() == protocol) {
                return of(components.subList(0, i));
            }
        }
        return this;
    }

    /** The first component of {@code protocol}, if any. */
    public Optional<Component> component(Protocol protocol) {
        return components.stream().filter(c -> c.protocol() == protocol).findFirst();
    }

    /** The string form of the value of the first component of {@code protocol}, if any. */
    public Optional<String> valueOf(Protocol protocol) {
        return component(protocol).map(Component::valueString);
    }

    /** The multihash of the peer id in a trailing {@code /p2p/<id>} component, if this multiaddr ends with one. */
    public Optional<Multihash> peerIdMultihash() {
        if (components.isEmpty() || components.getLast().protocol() != Protocol.P2P) {
            return Optional.empty();
        }
        try {
            return Optional.of(Multihash.fromBytes(components.getLast().value()));
        } catch (MultihashException e) {
            throw new IllegalStateException("a validated p2p component holds a bad multihash", e);
        }
    }

    /** This multiaddr without its trailing {@code /p2p/<id>} component, or unchanged if it has none. */
    public Multiaddr withoutPeerId() {
        if (components.isEmpty() || components.getLast().protocol() != Protocol.P2P) {
            return this;
        }
        return of(components.subList(0, components.size() - 1));
    }

    /**
     * This multiaddr ending with {@code /p2p/<peer>}, replacing any trailing p2p component.
     *
     * @throws IllegalArgumentException if {@code peer} is neither a sha2-256 nor an identity multihash
     */
    public Multiaddr withPeerId(Multihash peer) {
        return withoutPeerId().encapsulate(new Component(Protocol.P2P, peer.bytes()));
    }

    /** The string form, e.g. {@code /ip4/127.0.0.1/tcp/4001}; {@code ""} for the empty multiaddr. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append(c);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && Arrays.equals(m.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
