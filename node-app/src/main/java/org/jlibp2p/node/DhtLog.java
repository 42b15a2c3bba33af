package org.jlibp2p.node;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jlibp2p.core.FormatException;
import org.jlibp2p.core.multiaddr.Multiaddr;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.kademlia.record.ProviderRecord;
import org.jlibp2p.kademlia.record.ProviderStore;
import org.jlibp2p.kademlia.record.RecordStore;
import org.jlibp2p.kademlia.record.StoredRecord;

/**
 * The DHT's records and provider records on disk: an append-only log of checksummed entries ({@code records.log}),
 * written through from the stores' listeners, replayed at start.
 *
 * <p>Each entry is {@code length (4 bytes) | CRC-32C of the body (4) | body}; the body is a record stored, a record
 * removed or a provider record added, with its time. Each append is written and flushed to disk (fdatasync) before
 * the store call that made it returns, so a PUT_VALUE or PROVIDE the daemon acknowledged survives a crash. Replay
 * stops at the first entry that is incomplete or fails its checksum (a write cut short by a crash) and cuts the log
 * there; the rest is kept. At start, and when the log has grown to twice its live size (and at least
 * {@value #COMPACT_MIN} bytes), the live entries are rewritten to a new log that replaces the old one atomically.
 */
final class DhtLog implements Closeable, RecordStore.Listener, ProviderStore.Listener {
    private static final System.Logger LOG = System.getLogger(DhtLog.class.getName());
    static final String FILE = "records.log";
    private static final byte[] MAGIC = "jlibp2p-dht-log1".getBytes(StandardCharsets.US_ASCII);
    private static final byte RECORD = 1;
    private static final byte REMOVE = 2;
    private static final byte PROVIDER = 3;
    /**
     * Largest entry body written or read back: more than any record the stores can hold (their byte limit), so that
     * no entry they accept is ever taken for a broken one. A length read back is also checked against what the file
     * holds before anything is allocated.
     */
    static final int MAX_ENTRY = (int) Math.max(RecordStore.DEFAULT_MAX_BYTES, ProviderStore.DEFAULT_MAX_BYTES)
            + (1 << 20);
    static final long COMPACT_MIN = 8L << 20;

    private final Path file;
    private FileChannel channel;
    private long liveBytes;

    /** What the log held at start, live (not expired) entries only, oldest first. */
    record Contents(List<StoredRecord> records, List<Map.Entry<byte[], ProviderRecord>> providers) {}

    private Contents loaded;

    private DhtLog(Path file) {
        this.file = file;
    }

    /** Opens (or creates) the log in {@code dir}, replays and compacts it; {@link #loaded()} is what it held. */
    static DhtLog open(Path dir, Instant now) throws IOException {
        DhtLog log = new DhtLog(AtomicFiles.ownerDirectory(dir).resolve(FILE));
        log.loaded = log.compact(now);
        return log;
    }

    Contents loaded() {
        return loaded;
    }

    /** Fills fresh stores with what the log held, then keeps them on disk through it. */
    void attach(RecordStore records, ProviderStore providers) {
        for (StoredRecord r : loaded.records()) {
            records.put(r.key(), r.value(), r.received());
        }
        for (Map.Entry<byte[], ProviderRecord> e : loaded.providers()) {
            ProviderRecord p = e.getValue();
            providers.add(e.getKey(), p.provider(), p.addresses(), p.added());
        }
        records.setListener(this);
        providers.setListener(this);
    }

    // ---------------------------------------------------------------- appends (the stores' listeners)

    @Override
    public void stored(StoredRecord record) {
        append(recordEntry(record));
    }

    @Override
    public void removed(byte[] key) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(REMOVE);
            writeBytes(out, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        append(buf.toByteArray());
    }

    @Override
    public void added(byte[] key, ProviderRecord record) {
        append(providerEntry(key, record));
    }

    private synchronized void append(byte[] body) {
        try {
            if (channel == null) {
                throw new IOException("the DHT log is closed");
            }
            if (body.length > MAX_ENTRY) {
                throw new IOException("an entry of " + body.length + " bytes, over the log's limit of " + MAX_ENTRY);
            }
            writeEntry(channel, body);
            channel.force(false);
            if (channel.size() > Math.max(COMPACT_MIN, 2 * liveBytes)) {
                compact(Instant.now());
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write the DHT log " + file + ": " + e.getMessage());
            throw new UncheckedIOException("cannot write the DHT log: " + e.getMessage(), e);
        }
    }

    private static void writeEntry(FileChannel ch, byte[] body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer b = ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue())
                .put(body).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    // ---------------------------------------------------------------- replay and compaction

    /**
     * Reads the log (up to its first broken entry), keeps the live entries as of {@code now}, and replaces the file
     * by one holding only those; the append channel then points at the new file.
     */
    private synchronized Contents compact(Instant now) throws IOException {
        Map<ByteBuffer, StoredRecord> records = new LinkedHashMap<>();
        Map<List<ByteBuffer>, Map.Entry<byte[], ProviderRecord>> providers = new LinkedHashMap<>();
        if (Files.exists(file)) {
            replay(records, providers);
        }
        Instant recordCutoff = now.minus(RecordStore.DEFAULT_EXPIRY);
        Instant providerCutoff = now.minus(ProviderStore.DEFAULT_EXPIRY);
        List<StoredRecord> liveRecords = new ArrayList<>(records.values().stream()
                .filter(r -> r.received().isAfter(recordCutoff)).toList());
        liveRecords.sort(Comparator.comparing(StoredRecord::received));
        List<Map.Entry<byte[], ProviderRecord>> liveProviders = new ArrayList<>(providers.values().stream()
                .filter(e -> e.getValue().added().isAfter(providerCutoff)).toList());
        liveProviders.sort(Comparator.comparing(e -> e.getValue().added()));

        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write(MAGIC);
        for (StoredRecord r : liveRecords) {
            content.write(frame(recordEntry(r)));
        }
        for (Map.Entry<byte[], ProviderRecord> e : liveProviders) {
            content.write(frame(providerEntry(e.getKey(), e.getValue())));
        }
        if (channel != null) {
            channel.close();
        }
        AtomicFiles.write(file, content.toByteArray());
        liveBytes = content.size();
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new Contents(List.copyOf(liveRecords), List.copyOf(liveProviders));
    }

    private static byte[] frame(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(8 + body.length).putInt(body.length).putInt((int) crc.getValue()).put(body)
                .array();
    }

    private void replay(Map<ByteBuffer, StoredRecord> records,
            Map<List<ByteBuffer>, Map.Entry<byte[], ProviderRecord>> providers) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(all);
        if (all.length < MAGIC.length || !ByteBuffer.wrap(all, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new IOException(file + " is not a DHT log of this daemon");
        }
        in.position(MAGIC.length);
        int entries = 0;
        while (in.remaining() > 0) {
            int start = in.position();
            String broken = null;
            if (in.remaining() < 8) {
                broken = "an incomplete entry header";
            } else {
                int length = in.getInt();
                int sum = in.getInt();
                if (length < 1 || length > MAX_ENTRY || length > in.remaining()) {
                    broken = "an entry of " + length + " bytes where " + in.remaining() + " are left";
                } else {
                    byte[] body = new byte[length];
                    in.get(body);
                    CRC32C crc = new CRC32C();
                    crc.update(body);
                    if ((int) crc.getValue() != sum) {
                        broken = "an entry failing its checksum";
                    } else {
                        try {
                            apply(ByteBuffer.wrap(body), records, providers);
                            entries++;
                        } catch (FormatException | BufferUnderflowException | IllegalArgumentException e) {
                            broken = "an entry that does not parse (" + e.getMessage() + ")";
                        }
                    }
                }
            }
            if (broken != null) {
                String why = broken;
                int n = entries;
                LOG.log(System.Logger.Level.WARNING, () -> file + ": " + why + " at byte " + start + " after " + n
                        + " good entries; the log is cut there (a write the process did not finish)");
                return;
            }
        }
    }

    private static void apply(ByteBuffer b, Map<ByteBuffer, StoredRecord> records,
            Map<List<ByteBuffer>, Map.Entry<byte[], ProviderRecord>> providers) throws FormatException {
        byte type = b.get();
        switch (type) {
            case RECORD -> {
                Instant received = Instant.ofEpochMilli(b.getLong());
                byte[] key = readBytes(b);
                byte[] value = readBytes(b);
                records.remove(ByteBuffer.wrap(key));   // keeps the order of the latest write
                records.put(ByteBuffer.wrap(key), new StoredRecord(key, value, received));
            }
            case REMOVE -> records.remove(ByteBuffer.wrap(readBytes(b)));
            case PROVIDER -> {
                Instant added = Instant.ofEpochMilli(b.getLong());
                byte[] key = readBytes(b);
                PeerId peer = PeerId.fromBytes(readBytes(b));
                int n = b.getInt();
                if (n < 0 || n > ProviderStore.MAX_ADDRESSES) {
                    throw new FormatException(n + " addresses");
                }
                List<Multiaddr> addrs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    addrs.add(Multiaddr.fromBytes(readBytes(b)));
                }
                List<ByteBuffer> id = List.of(ByteBuffer.wrap(key), ByteBuffer.wrap(peer.bytes()));
                providers.remove(id);
                providers.put(id, Map.entry(key, new ProviderRecord(peer, addrs, added)));
            }
            default -> throw new FormatException("unknown entry type " + type);
        }
        if (b.hasRemaining()) {
            throw new FormatException(b.remaining() + " bytes after the entry");
        }
    }

    private static byte[] recordEntry(StoredRecord r) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(RECORD);
            out.writeLong(r.received().toEpochMilli());
            writeBytes(out, r.key());
            writeBytes(out, r.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    private static byte[] providerEntry(byte[] key, ProviderRecord r) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeByte(PROVIDER);
            out.writeLong(r.added().toEpochMilli());
            writeBytes(out, key);
            writeBytes(out, r.provider().bytes());
            out.writeInt(r.addresses().size());
            for (Multiaddr a : r.addresses()) {
                writeBytes(out, a.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(ByteBuffer b) throws FormatException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new FormatException("a field of " + n + " bytes where " + b.remaining() + " are left");
        }
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
