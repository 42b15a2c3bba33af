package org.jlibp2p.ipfs.unixfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.multiformats.Cid;
import org.jlibp2p.core.multiformats.Multicodec;
import org.jlibp2p.ipfs.Block;
import org.jlibp2p.ipfs.BlockMismatchException;
import org.jlibp2p.ipfs.IpfsFormatException;
import org.jlibp2p.ipfs.TestBytes;
import org.jlibp2p.ipfs.blockstore.MemoryBlockstore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The importer gives the CIDs the IPFS importers give. The expected CIDs were computed with js
 * {@code ipfs-unixfs-importer} 17 (the one {@code @helia/unixfs} 8.0.5 uses, pinned in {@code interop/js}) over the
 * same bytes ({@link TestBytes}, seed = size unless said); {@code QmbFMke1...} (the empty file) and
 * {@code QmT78zSu...} ("hello world\n") are also kubo's well-known CIDs for those contents.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnixFsImporterTest {
    private static byte[] content(int n) {
        return n == 12 ? "hello world\n".getBytes(StandardCharsets.UTF_8) : TestBytes.of(n, n);
    }

    private static Cid add(byte[] data, ImportOptions o, MemoryBlockstore store) throws IOException {
        return UnixFsImporter.importFile(new ByteArrayInputStream(data), o, store).root();
    }

    @ParameterizedTest
    @CsvSource({
        "0, bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        "12, bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4",
        "262144, bafkreidrfmg3gtfpver4ag7bro545xclwtgp5hejkaujhwhrrqeacoip5q",
        "1048576, bafkreicxfogduik4zpsagu7dev7nv6e5wa5s2b6y67p7oj2gtfd4dx22zq",
        "1048577, bafybeifvbi6mhf4jlwlavffradc5rabjimcpncpieoprne5iizf7mo6l54",
        "5242887, bafybeia4mfvt4xzow5l5ghisc6ck3fjfgwyc5kwpgll7354grjqifkpupy",
        "46000000, bafybeiho6h5437r24gqti44novj44uk5hq7ajyrkv267pb56aq5ibs7tku",
    })
    void heliaDefaults(int size, String expected) throws IOException {
        MemoryBlockstore store = new MemoryBlockstore();
        byte[] data = content(size);
        Cid root = add(data, ImportOptions.helia(), store);
        assertEquals(expected, root.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(size, UnixFsExporter.export(root, store::get, out));
        assertArrayEquals(data, out.toByteArray());
    }

    @ParameterizedTest
    @CsvSource({
        "0, QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH",
        "12, QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o",
        "262144, QmRPhhv2KSZ4wtTVRgutw7knWz9MBBePY1Av9T7DZXdGAQ",
        "262145, QmVexxQQP7FxBfVr5CY7JTpoawqqBFcDTZJ135k8DRzXvj",
        "1048576, QmXCb2KF57KxaXgyhiEJvQGM3hoVgUa5H3mzMdQRZLoC7v",
        "1048577, QmfU1V6C4ScrmintHom67jN9639noAcFGNhT1DTFF2YKDV",
        "5242887, QmP5dtTxgC5xVye8GWAaetQe3n7k1BqEhCSXMwcuYpuEMF",
        "46000000, QmWGKQFcLw3k1Zy7MHzQsstVBqeDeuwgH37eRp5Q4RF6mX",
    })
    void kuboClassic(int size, String expected) throws IOException {
        MemoryBlockstore store = new MemoryBlockstore();
        byte[] data = content(size);
        Cid root = add(data, ImportOptions.kuboClassic(), store);
        assertEquals(expected, root.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UnixFsExporter.export(root, store::get, out);
        assertArrayEquals(data, out.toByteArray());
    }

    @ParameterizedTest
    @CsvSource({
        "true, 1, bafybeif64qu3w7p2pnepyzqbdfp6ahrkthprnodvh2v327jq2v2vvx5toy",
        "false, 0, QmbhqVPyg7R2cr2ExFRBVgckAzW3vaBuHtD69N8dhbcUzT",
        "false, 1, bafybeidqrfgu72xejsmndgssnfki7weect56x7hskzxreyucbhfrvc6yzm",
    })
    void deepTreesOfThreeLinks(boolean raw, int version, String expected) throws IOException {
        MemoryBlockstore store = new MemoryBlockstore();
        byte[] data = TestBytes.of(20000, 7);
        ImportOptions o = new ImportOptions(version, 1024, raw, 3);
        Cid root = add(data, o, store);
        assertEquals(expected, root.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        UnixFsExporter.export(root, store::get, out);
        assertArrayEquals(data, out.toByteArray());
    }

    @Test
    void exporterRefusesABlockThatDoesNotHashToItsCid() throws IOException {
        MemoryBlockstore store = new MemoryBlockstore();
        Cid root = add(TestBytes.of(5000, 1), new ImportOptions(1, 1024, true, 174), store);
        Cid leaf = UnixFsExporter.children(store.get(root).orElseThrow()).get(2);
        byte[] forged = TestBytes.of(1024, 99);
        UnixFsExporter.BlockSource lying = c -> c.equals(leaf) ? Optional.of(new Block(c, forged)) : store.get(c);
        assertThrows(BlockMismatchException.class,
                () -> UnixFsExporter.export(root, lying, new ByteArrayOutputStream()));
    }

    @Test
    void exporterRefusesSizesThatDisagreeWithTheParent() throws IOException {
        MemoryBlockstore store = new MemoryBlockstore();
        Block leaf = Block.of(1, Multicodec.RAW.code(), new byte[10]);
        store.put(leaf);
        byte[] node = DagPb.encode(new DagPb.Node(List.of(DagPb.Link.of(leaf.cid(), "", 10)),
                Optional.of(UnixFsData.fileNode(List.of(11L)).encode())));
        Block parent = Block.of(1, Multicodec.DAG_PB.code(), node);
        store.put(parent);
        assertThrows(IpfsFormatException.class,
                () -> UnixFsExporter.export(parent.cid(), store::get, new ByteArrayOutputStream()));
    }

    @Test
    void dagPbIsStrict() throws IOException {
        Block leaf = Block.of(1, Multicodec.RAW.code(), new byte[3]);
        DagPb.Node n = new DagPb.Node(List.of(DagPb.Link.of(leaf.cid(), "", 3)), Optional.of(new byte[] {8, 2}));
        byte[] ok = DagPb.encode(n);
        assertEquals(0x12, ok[0] & 0xff, "links come before data");
        DagPb.Node back = DagPb.decode(ok);
        assertEquals(n.links(), back.links());
        // data then a link: out of canonical order
        byte[] data = {0x0a, 0x01, 0x00};
        byte[] swapped = new byte[ok.length];
        int linkLen = ok.length - 4;
        System.arraycopy(data, 0, swapped, 0, 3);
        System.arraycopy(ok, 0, swapped, 3, linkLen);
        assertThrows(IpfsFormatException.class, () -> DagPb.decode(java.util.Arrays.copyOf(swapped, 3 + linkLen)));
        assertThrows(IpfsFormatException.class, () -> DagPb.decode(new byte[] {0x0a, 0x01, 0x00, 0x0a, 0x00}));
        assertThrows(IpfsFormatException.class, () -> DagPb.decode(new byte[] {0x1a, 0x00})); // unknown field 3
        assertThrows(IpfsFormatException.class, () -> DagPb.decode(new byte[] {0x12, 0x02, 0x12, 0x00})); // no hash
        assertThrows(IpfsFormatException.class, () -> DagPb.decode(new byte[] {0x0a, 0x7f, 0x01})); // truncated
        // the same data with a two-byte length: not canonical
        assertThrows(IpfsFormatException.class, () -> DagPb.decode(new byte[] {0x0a, (byte) 0x81, 0x00, 0x07}));
        assertEquals(1, DagPb.decode(new byte[] {0x0a, 0x01, 0x07}).data().orElseThrow().length);
    }
}
