package org.jlibp2p.ipfs.unixfs;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.CidException;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.IpfsFormatException;

/**
 * The dag-pb codec (ipld/specs {@code block-layer/codecs/dag-pb.md}): {@code PBNode { repeated PBLink Links = 2;
 * optional bytes Data = 1; }}, {@code PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64
 * Tsize = 3; }}. Encoding is canonical (links first, then data, as the spec requires); decoding is strict: fields out
 * of order, repeated, unknown or of the wrong wire type are refused, as are links without a hash and any encoding
 * that is not the canonical one (non-minimal varints).
 */
public final class DagPb {
    private DagPb() {}

    /** A link: the child's CID, a name (empty for file chunks, always written) and the child's cumulative size. */
    public record Link(Cid cid, Optional<String> name, Optional<Long> tsize) {
        public Link {
            Objects.requireNonNull(cid, "cid");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(tsize, "tsize");
        }

        public static Link of(Cid cid, String name, long tsize) {
            return new Link(cid, Optional.of(name), Optional.of(tsize));
        }
    }

    /** A node: its links, in order, and its data (absent when the node has none). */
    public record Node(List<Link> links, Optional<byte[]> data) {
        public Node {
            links = List.copyOf(links);
            Objects.requireNonNull(data, "data");
        }
    }

    public static byte[] encode(Node node) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            for (Link l : node.links()) {
                byte[] link = encodeLink(l);
                out.writeByteArray(2, link);
            }
            if (node.data().isPresent()) {
                out.writeByteArray(1, node.data().get());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encodeLink(Link l) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(1, l.cid().bytes());
        if (l.name().isPresent()) {
            out.writeByteArray(2, l.name().get().getBytes(StandardCharsets.UTF_8));
        }
        if (l.tsize().isPresent()) {
            out.writeUInt64(3, l.tsize().get());
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** Decodes a dag-pb block, strictly. */
    public static Node decode(byte[] block) throws IpfsFormatException {
        if (block.length > Block.MAX_SIZE) {
            throw new IpfsFormatException("dag-pb block of " + block.length + " bytes");
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(block);
            List<Link> links = new ArrayList<>();
            byte[] data = null;
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == 18) {
                    if (data != null) {
                        throw new IpfsFormatException("dag-pb: a link after the data");
                    }
                    links.add(decodeLink(in.readByteArray()));
                } else if (tag == 10) {
                    if (data != null) {
                        throw new IpfsFormatException("dag-pb: data twice");
                    }
                    data = in.readByteArray();
                } else {
                    throw new IpfsFormatException("dag-pb: unexpected field, tag " + tag);
                }
            }
            Node node = new Node(links, Optional.ofNullable(data));
            if (!java.util.Arrays.equals(encode(node), block)) {
                // e.g. a varint longer than it needs to be: the same node has one encoding, hence one CID
                throw new IpfsFormatException("dag-pb not in canonical form");
            }
            return node;
        } catch (IpfsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IpfsFormatException("dag-pb: " + e.getMessage(), e);
        }
    }

    private static Link decodeLink(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        Cid cid = null;
        String name = null;
        Long tsize = null;
        int last = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field <= last) {
                throw new IpfsFormatException("dag-pb link: field " + field + " out of order or repeated");
            }
            last = field;
            if (tag == 10) {
                try {
                    cid = Cid.fromBytes(in.readByteArray());
                } catch (CidException e) {
                    throw new IpfsFormatException("dag-pb link: bad CID", e);
                }
            } else if (tag == 18) {
                name = new String(in.readByteArray(), StandardCharsets.UTF_8);
            } else if (tag == 24) {
                tsize = in.readUInt64();
                if (tsize < 0) {
                    throw new IpfsFormatException("dag-pb link: Tsize beyond 2^63");
                }
            } else {
                throw new IpfsFormatException("dag-pb link: unexpected field, tag " + tag);
            }
        }
        if (cid == null) {
            throw new IpfsFormatException("dag-pb link without a hash");
        }
        return new Link(cid, Optional.ofNullable(name), Optional.ofNullable(tsize));
    }
}
