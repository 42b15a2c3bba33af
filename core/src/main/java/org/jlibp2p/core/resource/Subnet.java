package org.jlibp2p.core.resource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;

/** An IP subnet in CIDR form ({@code 10.0.0.0/8}, {@code 2001:db8::/32}). */
record Subnet(byte[] network, int prefixLength) {
    static Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a subnet (address/prefix): " + cidr);
        }
        String host = cidr.substring(0, slash);
        if (!host.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP address: " + host);
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(host).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + host);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + cidr);
        }
        if (prefix < 0 || prefix > addr.length * 8) {
            throw new IllegalArgumentException("bad prefix length in " + cidr);
        }
        return new Subnet(mask(addr, prefix), prefix);
    }

    boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(mask(address, prefixLength), network);
    }

    /** {@code address} with all but its first {@code bits} bits cleared. */
    static byte[] mask(byte[] address, int bits) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.clamp(bits - i * 8L, 0, 8);
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** A map key for the subnet of {@code bits} bits holding {@code address}, e.g. {@code 4/16/0a010000}. */
    static String key(byte[] address, int bits) {
        return (address.length == 4 ? "4/" : "6/") + bits + "/" + HexFormat.of().formatHex(mask(address, bits));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subnet s && s.prefixLength == prefixLength && Arrays.equals(s.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }
}
