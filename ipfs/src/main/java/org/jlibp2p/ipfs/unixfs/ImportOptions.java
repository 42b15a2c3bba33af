package org.jlibp2p.ipfs.unixfs;

/**
 * How a file becomes a DAG. {@link #helia()} (the default) is helia's and kubo's current defaults: CIDv1, raw leaves,
 * 1 MiB chunks, at most 1024 links a node. {@link #kuboClassic()} is kubo's classic {@code ipfs add}: CIDv0, 256 KiB
 * chunks, 174 links, leaves as UnixFS file nodes. Both use SHA-256 and the balanced layout with fixed-size chunks.
 */
public record ImportOptions(int cidVersion, int chunkSize, boolean rawLeaves, int maxLinks) {
    public static final int MAX_CHUNK_SIZE = 1024 * 1024;

    public ImportOptions {
        if (cidVersion != 0 && cidVersion != 1) {
            throw new IllegalArgumentException("CID version must be 0 or 1");
        }
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size must be 1 to " + MAX_CHUNK_SIZE + " bytes");
        }
        if (maxLinks < 2 || maxLinks > 8192) {
            throw new IllegalArgumentException("max links must be 2 to 8192");
        }
    }

    public static ImportOptions helia() {
        return new ImportOptions(1, MAX_CHUNK_SIZE, true, 1024);
    }

    public static ImportOptions kuboClassic() {
        return new ImportOptions(0, 256 * 1024, false, 174);
    }

    public ImportOptions withCidVersion(int v) {
        return new ImportOptions(v, chunkSize, rawLeaves, maxLinks);
    }

    public ImportOptions withChunkSize(int n) {
        return new ImportOptions(cidVersion, n, rawLeaves, maxLinks);
    }

    public ImportOptions withRawLeaves(boolean raw) {
        return new ImportOptions(cidVersion, chunkSize, raw, maxLinks);
    }

    public ImportOptions withMaxLinks(int n) {
        return new ImportOptions(cidVersion, chunkSize, rawLeaves, n);
    }
}
