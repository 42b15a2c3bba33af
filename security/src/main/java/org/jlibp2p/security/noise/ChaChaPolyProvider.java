package org.jlibp2p.security.noise;

import java.lang.management.ManagementFactory;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Which ChaCha20-Poly1305 the Noise sessions of this JVM use, chosen once and logged once (INFO).
 *
 * <p>Measured with 64 KiB frames: where the JVM intrinsifies Poly1305 (HotSpot does with AVX-512 IFMA), the JDK's
 * cipher runs about 2 GB/s a core and BoringSSL through Conscrypt about 1.2 GB/s (its JNI copies the arrays); without
 * it (AVX2 only, {@code -XX:UseAVX=2}), the JDK's falls to about 250 MB/s while Conscrypt keeps about 1 GB/s. So by
 * default ({@code auto}) the JDK's cipher is used when its Poly1305 is intrinsified, else Conscrypt's when it loads
 * (it ships BoringSSL for the common platforms), else the JDK's, the pure-Java fallback that works everywhere. The
 * system property {@code jlibp2p.noise.cipher} ({@code auto}, {@code jdk} or {@code conscrypt}) overrides the choice.
 */
final class ChaChaPolyProvider {
    private static final System.Logger LOG = System.getLogger(ChaChaPolyProvider.class.getName());
    static final String PROPERTY = "jlibp2p.noise.cipher";

    /** The chosen implementation: {@code provider} null means the JDK's. */
    record Choice(String name, Provider provider, String reason) {}

    private static final Choice CHOICE = choose();

    private ChaChaPolyProvider() {}

    static Choice choice() {
        return CHOICE;
    }

    /** A new, uninitialised ChaCha20-Poly1305 cipher of the chosen implementation. */
    static Cipher newCipher() throws GeneralSecurityException {
        return CHOICE.provider() == null ? Cipher.getInstance("ChaCha20-Poly1305")
                : Cipher.getInstance("ChaCha20/Poly1305/NoPadding", CHOICE.provider());
    }

    private static Choice choose() {
        String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        Choice choice = switch (wanted) {
            case "jdk" -> new Choice("JDK", null, PROPERTY + "=jdk");
            case "conscrypt" -> {
                Provider p = conscrypt();
                yield p != null ? new Choice("Conscrypt (BoringSSL)", p, PROPERTY + "=conscrypt")
                        : new Choice("JDK", null, PROPERTY + "=conscrypt but Conscrypt does not load here");
            }
            default -> auto();
        };
        LOG.log(System.Logger.Level.INFO, "Noise uses the ChaCha20-Poly1305 of {0} ({1})", choice.name(),
                choice.reason());
        return choice;
    }

    private static Choice auto() {
        Boolean intrinsic = poly1305Intrinsic();
        if (Boolean.TRUE.equals(intrinsic)) {
            return new Choice("JDK", null, "the JVM intrinsifies Poly1305 on this CPU");
        }
        Provider p = conscrypt();
        String why = intrinsic == null ? "whether the JVM intrinsifies Poly1305 is unknown"
                : "the JVM does not intrinsify Poly1305 on this CPU";
        if (p != null) {
            return new Choice("Conscrypt (BoringSSL)", p, why);
        }
        return new Choice("JDK", null, why + ", and Conscrypt does not load here");
    }

    /**
     * Whether HotSpot intrinsifies Poly1305 here, or null where that cannot be told. Its diagnostic flag cannot be
     * read at run time, so this checks what HotSpot checks before it enables the intrinsic: on x86-64, AVX-512 in
     * use ({@code UseAVX} 3) and a CPU with AVX-512 IFMA, VL and BW (read from /proc/cpuinfo on Linux); on AArch64,
     * always.
     */
    private static Boolean poly1305Intrinsic() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("aarch64")) {
            return Boolean.TRUE;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return null;
        }
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean == null || Integer.parseInt(bean.getVMOption("UseAVX").getValue()) < 3) {
                return bean == null ? null : Boolean.FALSE;
            }
            java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
            if (!java.nio.file.Files.isReadable(cpuinfo)) {
                return null;
            }
            try (var lines = java.nio.file.Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("flags")).findFirst()
                        .map(l -> java.util.List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
                        .map(f -> f.contains("avx512ifma") && f.contains("avx512vl") && f.contains("avx512bw"))
                        .orElse(null);
            }
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Conscrypt's provider if it is on the class path, loads its native library here and passes a self-test. */
    private static Provider conscrypt() {
        try {
            Class<?> c = Class.forName("org.conscrypt.Conscrypt");
            if (!(Boolean) c.getMethod("isAvailable").invoke(null)) {
                return null;
            }
            Provider p = (Provider) c.getMethod("newProvider").invoke(null);
            return agreesWithJdk(p) ? p : null;
        } catch (ReflectiveOperationException | GeneralSecurityException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "Conscrypt is not usable: {0}", e.toString());
            return null;
        }
    }

    /** Encrypts one message with both implementations and checks they agree, and that the result decrypts. */
    private static boolean agreesWithJdk(Provider p) throws GeneralSecurityException {
        byte[] key = new byte[32];
        byte[] nonce = new byte[12];
        byte[] plain = new byte[100];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        nonce[4] = 5;
        SecretKeySpec k = new SecretKeySpec(key, "ChaCha20");
        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        jdk.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(nonce));
        byte[] expected = jdk.doFinal(plain);
        Cipher other = Cipher.getInstance("ChaCha20/Poly1305/NoPadding", p);
        other.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(nonce));
        byte[] actual = other.doFinal(plain);
        other.init(Cipher.DECRYPT_MODE, k, new IvParameterSpec(nonce));
        return Arrays.equals(expected, actual) && Arrays.equals(plain, other.doFinal(actual));
    }
}
