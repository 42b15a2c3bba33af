package org.jlibp2p.security.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.HandshakeException;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.security.InvalidSignatureException;

/**
 * The libp2p TLS secure channel ({@value #PROTOCOL_ID}, libp2p/specs tls/tls.md): TLS 1.3 only, by the JDK's
 * {@link SSLEngine}, both sides presenting a self-signed certificate whose libp2p extension carries the host key and
 * its signature over the certificate key ({@link TlsCertificates}). The server requires the client's certificate.
 * Each side checks that the remote sent exactly one certificate, valid now, correctly self-signed, whose extension
 * signature verifies; the peer id is derived from the host key in it. A dialer that expects a peer id checks it as
 * soon as the server's certificate arrives and aborts on a mismatch with {@link PeerIdMismatchException}. One
 * certificate, made with a fresh P-256 key when the channel is built, serves every connection of the channel.
 *
 * <p>Failures: {@link PeerIdMismatchException}; {@link InvalidSignatureException} for a host-key signature that does
 * not verify; {@link CertificateValidityException} for an expired or not yet valid certificate; {@link
 * InvalidCertificateException} for any other breach of the certificate rules; {@link TlsHandshakeException} when
 * the TLS handshake itself fails (not TLS 1.3, an alert, a closed connection). As in every TLS 1.3 handshake, a
 * client completes before the server has checked its certificate: the server's rejection reaches the client as a
 * {@link TlsException} on its first read.
 *
 * <p>Early muxer negotiation (libp2p/specs connections/inlined-muxer-negotiation.md): the client offers in ALPN its
 * muxers, most preferred first, then {@value #ALPN_LIBP2P}; the server picks the first it supports, or
 * {@value #ALPN_LIBP2P} (then {@link TlsSession#negotiatedMuxer()} is empty and multistream-select follows), and
 * aborts the handshake when it supports none of them. No server name is sent, and no session is resumed.
 *
 * <p>Cipher suites, the server's preference first: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256,
 * TLS_AES_256_GCM_SHA384, all computed by the JDK. Thread-safe: handshakes may run concurrently.
 */
public final class TlsSecureChannel implements SecureChannel {
    /** The multistream-select protocol id. */
    public static final String PROTOCOL_ID = "/tls/1.0.0";
    /** The ALPN protocol every libp2p TLS peer offers, last, and the server picks when it shares no muxer. */
    public static final String ALPN_LIBP2P = "libp2p";

    private static final System.Logger LOG = System.getLogger(TlsSecureChannel.class.getName());
    private static final String TLS13 = "TLSv1.3";
    private static final String[] SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"
    };
    private static final String ALIAS = "libp2p";
    /** Far more steps than a handshake takes (a dozen); a bound on the loop whatever the engine does. */
    private static final int MAX_HANDSHAKE_STEPS = 1000;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TlsConfig config;
    private final PeerId localPeer;
    private final TlsCertificates.LocalCertificate certificate;
    private final SSLContext context;
    private final String[] alpn;
    /** The handshakes under way, for the trust manager, which the engine calls with only the engine in hand. */
    private final Map<SSLEngine, Handshake> handshakes = new ConcurrentHashMap<>();

    public TlsSecureChannel(TlsConfig config) {
        this(config, TlsCertificates.generate(config.identity(), config.random()));
    }

    /** A channel presenting {@code certificate}, whatever it holds: tests make broken ones. */
    TlsSecureChannel(TlsConfig config, TlsCertificates.LocalCertificate certificate) {
        this.config = Objects.requireNonNull(config, "config");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.localPeer = PeerId.fromPublicKey(config.identity().publicKey());
        List<String> offer = new ArrayList<>(config.streamMuxers());
        offer.add(ALPN_LIBP2P);
        this.alpn = offer.toArray(String[]::new);
        try {
            SSLContext ctx;
            try {
                ctx = SSLContext.getInstance(TLS13, "SunJSSE"); // not whichever provider an application put first
            } catch (GeneralSecurityException e) {
                ctx = SSLContext.getInstance(TLS13);
            }
            ctx.init(new KeyManager[] {new LocalKeyManager()}, new TrustManager[] {new PeerTrustManager()},
                    config.random());
            this.context = ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS 1.3", e);
        }
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /** This side's peer id. */
    public PeerId localPeer() {
        return localPeer;
    }

    /** The certificate this channel presents. */
    public X509Certificate certificate() {
        return certificate.certificate();
    }

    /**
     * Runs the handshake as client.
     *
     * @throws PeerIdMismatchException if the server proves another identity than {@code expectedRemote}
     */
    @Override
    public TlsSession secureOutbound(Duplex connection, PeerId expectedRemote) throws IOException {
        return handshake(connection, true, Optional.of(Objects.requireNonNull(expectedRemote, "expectedRemote")));
    }

    @Override
    public TlsSession secureOutbound(Duplex connection) throws IOException {
        return handshake(connection, true, Optional.empty());
    }

    /** Runs the handshake as server. */
    @Override
    public TlsSession secureInbound(Duplex connection) throws IOException {
        return handshake(connection, false, Optional.empty());
    }

    /** What the trust manager learns during one handshake. */
    private static final class Handshake {
        final Optional<PeerId> expected;
        volatile TlsCertificates.Remote remote;
        volatile HandshakeException failure;

        Handshake(Optional<PeerId> expected) {
            this.expected = expected;
        }
    }

    private SSLEngine newEngine(boolean client) {
        SSLEngine engine = context.createSSLEngine(); // no peer host: no server name, no session to resume
        engine.setUseClientMode(client);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(new String[] {TLS13});
        params.setCipherSuites(SUITES);
        params.setUseCipherSuitesOrder(true);
        params.setServerNames(List.of());
        if (client) {
            params.setApplicationProtocols(alpn);
        } else {
            params.setNeedClientAuth(true);
        }
        engine.setSSLParameters(params);
        if (!client) {
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> selectProtocol(offered));
        }
        return engine;
    }

    /** The server's ALPN choice: the client's first muxer this side supports, else "libp2p"; null aborts. */
    private String selectProtocol(List<String> offered) {
        for (String protocol : offered) {
            if (config.streamMuxers().contains(protocol)) {
                return protocol;
            }
        }
        return offered.contains(ALPN_LIBP2P) ? ALPN_LIBP2P : null;
    }

    private TlsSession handshake(Duplex connection, boolean client, Optional<PeerId> expected) throws IOException {
        Objects.requireNonNull(connection, "connection");
        SSLEngine engine = newEngine(client);
        Handshake handshake = new Handshake(expected);
        handshakes.put(engine, handshake);
        TlsSession.Records records = new TlsSession.Records(connection, engine);
        String role = client ? "client" : "server";
        try {
            try {
                engine.beginHandshake();
                run(engine, records);
            } catch (SSLException e) {
                records.sendAlertQuietly();
                if (handshake.failure != null) {
                    throw handshake.failure;
                }
                throw new TlsHandshakeException("the TLS handshake failed: " + e.getMessage(), e);
            }
            if (handshake.remote == null) {
                throw new TlsHandshakeException("the TLS handshake ended without the remote's certificate");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "TLS handshake as {0} failed: {1}", role, e.toString());
            throw e;
        } finally {
            handshakes.remove(engine);
        }
        String selected = engine.getApplicationProtocol();
        Optional<String> muxer = selected != null && config.streamMuxers().contains(selected) ? Optional.of(selected)
                : Optional.empty();
        TlsCertificates.Remote remote = handshake.remote;
        LOG.log(System.Logger.Level.DEBUG, "TLS handshake as {0} with {1} done ({2}), muxer {3}", role,
                remote.peer(), engine.getSession().getCipherSuite(), muxer.orElse("to negotiate"));
        return new TlsSession(records, localPeer, remote.peer(), remote.key(), muxer);
    }

    /** Drives the engine until the handshake is done, writing what it wraps and reading what it must unwrap. */
    private static void run(SSLEngine engine, TlsSession.Records records) throws IOException {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        for (int step = 0; step < MAX_HANDSHAKE_STEPS; step++) {
            switch (status) {
                case NEED_WRAP -> {
                    SSLEngineResult r = records.wrap(EMPTY);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
                        records.flush();
                        throw new TlsHandshakeException("the TLS engine closed during the handshake");
                    }
                    status = r.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    records.flush(); // what this side owes goes out before it waits for the remote
                    SSLEngineResult r = records.unwrapForHandshake();
                    if (r == null) {
                        throw new TlsHandshakeException(records.bufferedIn() == 0
                                ? "the remote closed the connection during the TLS handshake"
                                : "the connection ended inside a TLS record during the handshake");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new TlsHandshakeException("the remote closed the TLS session during the handshake");
                    }
                    status = r.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    records.flush();
                    return;
                }
            }
        }
        throw new TlsHandshakeException("the TLS handshake took more than " + MAX_HANDSHAKE_STEPS + " steps");
    }

    /** Checks the remote's certificate for the handshake run by {@code engine}. */
    private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
        Handshake handshake = engine == null ? null : handshakes.get(engine);
        if (handshake == null) {
            throw new CertificateException("no libp2p TLS handshake is under way on this engine");
        }
        try {
            TlsCertificates.Remote remote = TlsCertificates.verify(chain, Instant.now());
            if (handshake.expected.isPresent() && !handshake.expected.get().equals(remote.peer())) {
                throw new PeerIdMismatchException(handshake.expected.get(), remote.peer());
            }
            handshake.remote = remote;
        } catch (HandshakeException e) {
            handshake.failure = e;
            throw new CertificateException(e.getMessage(), e);
        }
    }

    /** Accepts exactly the certificates {@link TlsCertificates#verify} accepts; no authority is involved. */
    private final class PeerTrustManager extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the libp2p TLS channel runs on engines only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the libp2p TLS channel runs on engines only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the libp2p TLS channel runs on engines only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the libp2p TLS channel runs on engines only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Presents this channel's one certificate, on both sides, wherever its key type (EC) is acceptable. */
    private final class LocalKeyManager extends X509ExtendedKeyManager {
        private String keyType() {
            return certificate.key().getAlgorithm();
        }

        private boolean usable(String... keyTypes) {
            return keyTypes != null && Arrays.asList(keyTypes).contains(keyType());
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return usable(keyTypes) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return usable(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return usable(keyTypes) ? ALIAS : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return usable(keyType) ? ALIAS : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return usable(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return usable(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {certificate.certificate()} : null;
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? certificate.key() : null;
        }
    }
}
