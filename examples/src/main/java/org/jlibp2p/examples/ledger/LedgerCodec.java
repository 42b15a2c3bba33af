package org.jlibp2p.examples.ledger;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger's wire format: plain big-endian binary, each variable field behind a 2-byte length. Decoding checks
 * every length against its limit before allocating, and refuses trailing bytes, so a peer's bytes cost at most the
 * limits below. On streams each message is one frame of {@code LengthPrefixed} (an unsigned-varint length).
 *
 * <pre>
 * transaction  = key-len:u16 key  nonce:i64  payload-len:u16 payload  sig-len:u16 sig
 * block        = height:i64  parent:32  timestamp:i64  count:u16  (tx-len:u16 transaction)*count
 * status       = height:i64  head:32                      (the status handshake, both ways)
 * range        = from:i64  count:u16                       (a blocks request; the answer is count block frames or fewer)
 * </pre>
 */
public final class LedgerCodec {
    /** A marshalled public key (Ed25519: 36 bytes; RSA keys are refused by this limit, as in a real chain's). */
    public static final int MAX_KEY = 128;
    public static final int MAX_PAYLOAD = 256;
    public static final int MAX_SIGNATURE = 128;
    public static final int MAX_TRANSACTION_BYTES = 2 + MAX_KEY + 8 + 2 + MAX_PAYLOAD + 2 + MAX_SIGNATURE;
    public static final int MAX_TRANSACTIONS = 100;
    public static final int MAX_BLOCK_BYTES = 8 + Hash.LENGTH + 8 + 2 + MAX_TRANSACTIONS * (2 + MAX_TRANSACTION_BYTES);
    public static final int STATUS_BYTES = 8 + Hash.LENGTH;
    public static final int RANGE_BYTES = 8 + 2;
    /** The most blocks one request may ask for. */
    public static final int MAX_RANGE = 32;

    private LedgerCodec() {}

    /** A node's chain head, exchanged when two nodes connect. */
    public record Status(long height, Hash head) {}

    /** A request for the blocks at heights {@code from} to {@code from + count - 1}. */
    public record Range(long from, int count) {
        public Range {
            if (from < 0 || count < 1 || count > MAX_RANGE) {
                throw new IllegalArgumentException("a range starts at 0 or above and asks for 1 to " + MAX_RANGE);
            }
        }
    }

    public static byte[] encode(Transaction t) {
        return write(out -> writeTransaction(out, t));
    }

    public static byte[] encode(Block b) {
        return write(out -> {
            out.writeLong(b.height());
            out.write(b.parent().bytes());
            out.writeLong(b.timestampMillis());
            out.writeShort(b.transactions().size());
            for (Transaction t : b.transactions()) {
                byte[] tx = encode(t);
                out.writeShort(tx.length);
                out.write(tx);
            }
        });
    }

    public static byte[] encode(Status s) {
        return write(out -> {
            out.writeLong(s.height());
            out.write(s.head().bytes());
        });
    }

    public static byte[] encode(Range r) {
        return write(out -> {
            out.writeLong(r.from());
            out.writeShort(r.count());
        });
    }

    static byte[] encodeUnsigned(byte[] sender, long nonce, byte[] payload) {
        return write(out -> {
            writeField(out, sender);
            out.writeLong(nonce);
            writeField(out, payload);
        });
    }

    public static Transaction decodeTransaction(byte[] bytes) throws LedgerFormatException {
        if (bytes.length > MAX_TRANSACTION_BYTES) {
            throw new LedgerFormatException("a transaction of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Transaction t = read(in, () -> readTransaction(in));
        end(in);
        return t;
    }

    public static Block decodeBlock(byte[] bytes) throws LedgerFormatException {
        if (bytes.length > MAX_BLOCK_BYTES) {
            throw new LedgerFormatException("a block of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Block b = read(in, () -> {
            long height = in.getLong();
            Hash parent = new Hash(bytes(in, Hash.LENGTH));
            long timestamp = in.getLong();
            int count = Short.toUnsignedInt(in.getShort());
            if (count > MAX_TRANSACTIONS) {
                throw new LedgerFormatException("a block of " + count + " transactions");
            }
            List<Transaction> txs = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                txs.add(decodeTransaction(field(in, MAX_TRANSACTION_BYTES)));
            }
            if (height < 0) {
                throw new LedgerFormatException("a negative height");
            }
            return new Block(height, parent, timestamp, txs);
        });
        end(in);
        return b;
    }

    public static Status decodeStatus(byte[] bytes) throws LedgerFormatException {
        if (bytes.length != STATUS_BYTES) {
            throw new LedgerFormatException("a status of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long height = in.getLong();
        if (height < 0) {
            throw new LedgerFormatException("a negative height");
        }
        return new Status(height, new Hash(bytes(in, Hash.LENGTH)));
    }

    public static Range decodeRange(byte[] bytes) throws LedgerFormatException {
        if (bytes.length != RANGE_BYTES) {
            throw new LedgerFormatException("a range request of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long from = in.getLong();
        int count = Short.toUnsignedInt(in.getShort());
        try {
            return new Range(from, count);
        } catch (IllegalArgumentException e) {
            throw new LedgerFormatException(e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read() throws LedgerFormatException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static void writeTransaction(DataOutputStream out, Transaction t) throws IOException {
        writeField(out, t.sender());
        out.writeLong(t.nonce());
        writeField(out, t.payload());
        writeField(out, t.signature());
    }

    private static void writeField(DataOutputStream out, byte[] field) throws IOException {
        out.writeShort(field.length);
        out.write(field);
    }

    private static <T> T read(ByteBuffer in, Reader<T> reader) throws LedgerFormatException {
        try {
            return reader.read();
        } catch (BufferUnderflowException e) {
            throw new LedgerFormatException("truncated");
        } catch (IllegalArgumentException e) {
            throw new LedgerFormatException(e.getMessage());
        }
    }

    private static Transaction readTransaction(ByteBuffer in) throws LedgerFormatException {
        byte[] key = field(in, MAX_KEY);
        long nonce = in.getLong();
        byte[] payload = field(in, MAX_PAYLOAD);
        byte[] sig = field(in, MAX_SIGNATURE);
        if (key.length == 0) {
            throw new LedgerFormatException("no sender key");
        }
        return new Transaction(key, nonce, payload, sig);
    }

    private static byte[] field(ByteBuffer in, int max) throws LedgerFormatException {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > max) {
            throw new LedgerFormatException("a field of " + length + " bytes, over the limit of " + max);
        }
        return bytes(in, length);
    }

    private static byte[] bytes(ByteBuffer in, int length) throws LedgerFormatException {
        if (in.remaining() < length) {
            throw new LedgerFormatException("truncated");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static void end(ByteBuffer in) throws LedgerFormatException {
        if (in.hasRemaining()) {
            throw new LedgerFormatException(in.remaining() + " trailing bytes");
        }
    }
}
