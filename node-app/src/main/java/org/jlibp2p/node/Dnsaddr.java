package org.jlibp2p.node;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Component;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiaddr.Protocol;

/**
 * Resolves {@code /dnsaddr/<domain>} addresses (multiaddr's dnsaddr spec): the TXT records of
 * {@code _dnsaddr.<domain>} of the form {@code dnsaddr=<multiaddr>}, those ending in the same {@code /p2p/<id>} as the
 * address asked for, with nested {@code /dnsaddr} followed to a bounded depth. DNS goes through the JDK's own resolver.
 */
final class Dnsaddr {
    /** The public IPFS bootstrap nodes, as go-libp2p-daemon's {@code -b} uses them without {@code -bootstrapPeers}. */
    static final List<String> IPFS_BOOTSTRAP = List.of(
            "/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN",
            "/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa",
            "/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb",
            "/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt",
            "/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ");

    /** Nested dnsaddr records followed at most. */
    private static final int MAX_DEPTH = 4;
    /** Addresses kept per name. */
    private static final int MAX_ADDRESSES = 32;

    private Dnsaddr() {}

    /** The domain of a {@code /dnsaddr} address, if it is one. */
    static Optional<String> domain(Multiaddr address) {
        List<Component> c = address.components();
        if (c.isEmpty() || c.getFirst().protocol() != Protocol.DNSADDR) {
            return Optional.empty();
        }
        return Optional.of(new String(c.getFirst().value(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Resolves {@code address} through DNS; an address that is not a dnsaddr comes back as it is. */
    static List<Multiaddr> resolve(Multiaddr address) throws NamingException {
        return resolve(address, Dnsaddr::lookupTxt, 0);
    }

    /** TXT lookups, replaceable in tests. */
    interface TxtLookup {
        List<String> txt(String name) throws NamingException;
    }

    static List<Multiaddr> resolve(Multiaddr address, TxtLookup dns, int depth) throws NamingException {
        Optional<String> domain = domain(address);
        if (domain.isEmpty()) {
            return List.of(address);
        }
        if (depth >= MAX_DEPTH) {
            return List.of();
        }
        Optional<String> peer = address.peerIdMultihash().map(m -> lastP2p(address));
        List<Multiaddr> out = new ArrayList<>();
        for (String record : dns.txt("_dnsaddr." + domain.get())) {
            String r = record.startsWith("\"") && record.endsWith("\"") && record.length() > 1
                    ? record.substring(1, record.length() - 1) : record;
            if (!r.startsWith("dnsaddr=")) {
                continue;
            }
            Multiaddr found;
            try {
                found = Multiaddr.parse(r.substring("dnsaddr=".length()));
            } catch (FormatException e) {
                continue; // a record we cannot read
            }
            if (peer.isPresent() && !peer.get().equals(lastP2p(found))) {
                continue;
            }
            for (Multiaddr m : resolve(found, dns, depth + 1)) {
                if (out.size() < MAX_ADDRESSES) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private static String lastP2p(Multiaddr a) {
        String s = a.toString();
        int i = s.lastIndexOf("/p2p/");
        return i < 0 ? "" : s.substring(i);
    }

    private static List<String> lookupTxt(String name) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("com.sun.jndi.dns.timeout.initial", "2000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        DirContext ctx = new InitialDirContext(env);
        try {
            Attribute txt = ctx.getAttributes(name, new String[] {"TXT"}).get("TXT");
            List<String> out = new ArrayList<>();
            if (txt != null) {
                NamingEnumeration<?> all = txt.getAll();
                while (all.hasMore() && out.size() < 256) {
                    out.add(String.valueOf(all.next()));
                }
            }
            return out;
        } finally {
            ctx.close();
        }
    }
}
