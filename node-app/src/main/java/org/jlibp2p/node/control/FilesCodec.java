package org.jlibp2p.node.control;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.proto.p2pd.P2pdProtos;

/**
 * The FILES extension of the control protocol (type 140, {@code FilesRequest} and {@code FilesResponse} in
 * {@code p2pd.proto}): ADD answers one {@code Response{OK, files}} with the CID; GET answers progress messages
 * {@code Response{OK, files}}, the last with {@code done}, or an ERROR that ends the answer.
 */
public final class FilesCodec {
    /** Most providers a GET may name. */
    public static final int MAX_PEERS = 64;

    private FilesCodec() {}

    /**
     * Where a GET stands, or what an ADD made; {@code files} and {@code directories}: what a tree's ADD imported or a
     * GET's last answer wrote (0 where not said, as by older daemons).
     */
    public record Progress(Cid cid, long size, long blocks, long bytesDone, long bytesTotal, long bytesFetched,
            int peers, Duration elapsed, boolean done, long files, long directories) {
        public Progress(Cid cid, long size, long blocks, long bytesDone, long bytesTotal, long bytesFetched,
                int peers, Duration elapsed, boolean done) {
            this(cid, size, blocks, bytesDone, bytesTotal, bytesFetched, peers, elapsed, done, 0, 0);
        }

        /** The same, for a tree of {@code files} files and {@code directories} directories. */
        public Progress withTree(long files, long directories) {
            return new Progress(cid, size, blocks, bytesDone, bytesTotal, bytesFetched, peers, elapsed, done, files,
                    directories);
        }
    }

    static ControlRequest decodeRequest(P2pdProtos.Request req) throws BadRequestException, FormatException {
        if (!req.hasFiles()) {
            throw new BadRequestException("malformed FILES request: missing files");
        }
        P2pdProtos.FilesRequest f = req.getFiles();
        return switch (f.getType()) {
            case ADD -> {
                if (f.getPath().isEmpty()) {
                    throw new FormatException("FILES ADD names no file");
                }
                yield new ControlRequest.FilesAdd(f.getPath(), f.hasCidVersion() ? f.getCidVersion() : 1,
                        f.hasChunkSize() ? f.getChunkSize() : 0, f.hasRawLeaves() ? f.getRawLeaves() : true);
            }
            case GET -> {
                if (!f.hasCid() || f.getPath().isEmpty()) {
                    throw new FormatException("FILES GET needs a CID and a path");
                }
                if (f.getPeersCount() > MAX_PEERS) {
                    throw new FormatException("FILES GET names more than " + MAX_PEERS + " peers");
                }
                List<Multiaddr> peers = new ArrayList<>();
                for (ByteString b : f.getPeersList()) {
                    peers.add(Multiaddr.fromBytes(b.toByteArray()));
                }
                yield new ControlRequest.FilesGet(Cid.fromBytes(f.getCid().toByteArray()), f.getPath(), peers,
                        f.getTimeout() > 0 ? Duration.ofSeconds(f.getTimeout()) : Duration.ofSeconds(60),
                        f.getDagPath());
            }
        };
    }

    static P2pdProtos.FilesRequest.Builder encodeRequest(ControlRequest.FilesRequest r) {
        return switch (r) {
            case ControlRequest.FilesAdd a -> P2pdProtos.FilesRequest.newBuilder()
                    .setType(P2pdProtos.FilesRequest.Type.ADD).setPath(a.path()).setCidVersion(a.cidVersion())
                    .setChunkSize(a.chunkSize()).setRawLeaves(a.rawLeaves());
            case ControlRequest.FilesGet g -> {
                P2pdProtos.FilesRequest.Builder b = P2pdProtos.FilesRequest.newBuilder()
                        .setType(P2pdProtos.FilesRequest.Type.GET).setPath(g.path())
                        .setCid(ByteString.copyFrom(g.cid().bytes())).setTimeout(g.timeout().toSeconds());
                g.peers().forEach(m -> b.addPeers(ByteString.copyFrom(m.bytes())));
                if (!g.dagPath().isEmpty()) {
                    b.setDagPath(g.dagPath());
                }
                yield b;
            }
        };
    }

    public static byte[] encodeProgress(Progress p) {
        P2pdProtos.FilesResponse.Builder f = P2pdProtos.FilesResponse.newBuilder()
                .setSize(p.size()).setBlocks(p.blocks()).setBytesDone(p.bytesDone()).setBytesTotal(p.bytesTotal())
                .setBytesFetched(p.bytesFetched()).setPeers(p.peers()).setElapsedMillis(p.elapsed().toMillis())
                .setDone(p.done());
        if (p.cid() != null) {
            f.setCid(ByteString.copyFrom(p.cid().bytes()));
        }
        if (p.files() > 0 || p.directories() > 0) {
            f.setFiles(p.files()).setDirectories(p.directories());
        }
        return P2pdProtos.Response.newBuilder().setType(P2pdProtos.Response.Type.OK).setFiles(f).build()
                .toByteArray();
    }

    /**
     * Decodes one answer to a FILES request.
     *
     * @throws FormatException with the daemon's message for an ERROR, or for a frame that is not an answer
     */
    public static Progress decodeProgress(byte[] frame) throws FormatException {
        P2pdProtos.Response r;
        try {
            r = P2pdProtos.Response.parseFrom(frame);
        } catch (InvalidProtocolBufferException e) {
            throw new FormatException("malformed FILES answer: " + e.getMessage());
        }
        if (r.getType() == P2pdProtos.Response.Type.ERROR) {
            throw new FormatException("daemon: " + r.getError().getMsg());
        }
        if (!r.hasFiles()) {
            throw new FormatException("the daemon answered without files (is it an older p2pd?)");
        }
        P2pdProtos.FilesResponse f = r.getFiles();
        return new Progress(f.hasCid() ? Cid.fromBytes(f.getCid().toByteArray()) : null, f.getSize(), f.getBlocks(),
                f.getBytesDone(), f.getBytesTotal(), f.getBytesFetched(), f.getPeers(),
                Duration.ofMillis(f.getElapsedMillis()), f.getDone(), f.getFiles(), f.getDirectories());
    }
}
