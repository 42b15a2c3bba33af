package org.jlibp2p.core.multiaddr;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jlibp2p.core.multiformats.Multihash;

/** Random valid multiaddrs and components, for property and fuzz tests. */
final class RandomMultiaddrs {
    private static final String LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_ABCXYZ";

    private RandomMultiaddrs() {}

    static Multiaddr multiaddr(Random r) {
        int n = 1 + r.nextInt(6);
        List<Component> components = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Component c = component(r);
            if (c.protocol() == Protocol.UNIX && i != n - 1) {
                continue;
            }
            components.add(c);
        }
        if (components.isEmpty()) {
            components.add(component(r, Protocol.TCP));
        }
        return Multiaddr.of(components);
    }

    static Component component(Random r) {
        Protocol[] all = Protocol.values();
        return component(r, all[r.nextInt(all.length)]);
    }

    static Component component(Random r, Protocol p) {
        byte[] value = switch (p) {
            case IP4, IP6, TCP, UDP, DCCP, SCTP, IPCIDR, MEMORY -> bytes(r, p.sizeBits() / 8);
            case IP6ZONE -> utf8(text(r, 1 + r.nextInt(12), "abcdefxyz0123456789%.:-_ é漢"));
            case DNS, DNS4, DNS6, DNSADDR, SNI -> utf8(dnsName(r));
            case UNIX -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0, k = 1 + r.nextInt(4); i < k; i++) {
                    sb.append('/').append(text(r, 1 + r.nextInt(8), "abc.xyz-_ é0"));
                }
                yield utf8(sb.toString());
            }
            case P2P -> (r.nextBoolean() ? Multihash.sha256(bytes(r, 8)) : Multihash.identity(bytes(r, r.nextInt(43))))
                    .bytes();
            case CERTHASH -> (r.nextBoolean() ? Multihash.sha256(bytes(r, 8)) : Multihash.sha512(bytes(r, 8))).bytes();
            case HTTP_PATH -> bytes(r, 1 + r.nextInt(16));
            default -> new byte[0];
        };
        return new Component(p, value);
    }

    static String dnsName(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, k = 1 + r.nextInt(4); i < k; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(text(r, 1 + r.nextInt(12), LABEL_CHARS));
        }
        if (r.nextInt(8) == 0) {
            sb.append('.');
        }
        return sb.toString();
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static String text(Random r, int n, String alphabet) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
