package org.jlibp2p.security.tls;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Vector;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.jlibp2p.core.io.Duplex;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.security.HandshakeException;
import org.jlibp2p.core.security.PeerIdMismatchException;
import org.jlibp2p.core.security.SecureChannel;
import org.jlibp2p.security.InvalidSignatureException;

/**
 * The libp2p TLS secure channel ({@value #PROTOCOL_ID}, libp2p/specs tls/tls.md): TLS 1.3 only, both sides
 * presenting a self-signed certificate whose libp2p extension carries the host key and its signature over the
 * certificate key ({@link TlsCertificates}). The server requires the client's certificate. Each side checks that the
 * remote sent exactly one certificate, valid now, correctly self-signed, whose extension signature verifies; the
 * peer id is derived from the host key in it. A dialer that expects a peer id checks it as soon as the server's
 * certificate arrives, and aborts on a mismatch with {@link PeerIdMismatchException}. One certificate, made with a
 * fresh ECDSA P-256 key when the channel is built, serves every connection of the channel.
 *
 * <p>The handshake is BouncyCastle's (its blocking {@link TlsClientProtocol} and {@link TlsServerProtocol}, over
 * the raw streams; certificates are read with BouncyCastle too, since the JDK's X.509 parser refuses the empty
 * issuer of js-libp2p's certificates). The records after it are this package's, sealed with the JDK's AES-GCM or
 * ChaCha20-Poly1305 under the traffic secrets the handshake agreed ({@link TlsSession}).
 *
 * <p>Failures: {@link PeerIdMismatchException}; {@link InvalidSignatureException} for a host-key signature that does
 * not verify; {@link CertificateValidityException} for an expired or not yet valid certificate; {@link
 * InvalidCertificateException} for any other breach of the certificate rules; {@link TlsHandshakeException} when the
 * TLS handshake itself fails (not TLS 1.3, an alert, a closed connection). As in every TLS 1.3 handshake, a client
 * completes before the server has checked its certificate: the server's rejection reaches the client as a {@link
 * TlsException} on its first read.
 *
 * <p>Early muxer negotiation (libp2p/specs connections/inlined-muxer-negotiation.md): the client offers in ALPN its
 * muxers, most preferred first, then {@value #ALPN_LIBP2P}; the server picks the first of the client's list it
 * supports, or {@value #ALPN_LIBP2P} (then {@link TlsSession#negotiatedMuxer()} is empty and multistream-select
 * follows), and aborts the handshake when it supports none of them. No server name is sent, no session is resumed.
 *
 * <p>Cipher suites, in this side's order of preference: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256,
 * TLS_AES_256_GCM_SHA384. Thread-safe: handshakes may run concurrently.
 */
public final class TlsSecureChannel implements SecureChannel {
    /** The multistream-select protocol id. */
    public static final String PROTOCOL_ID = "/tls/1.0.0";
    /** The ALPN protocol every libp2p TLS peer offers, last, and the server picks when it shares no muxer. */
    public static final String ALPN_LIBP2P = "libp2p";

    private static final System.Logger LOG = System.getLogger(TlsSecureChannel.class.getName());
    private static final int[] SUITES = {
        CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384
    };

    private final TlsConfig config;
    private final PeerId localPeer;
    private final TlsCertificates.LocalCertificate certificate;
    private final AsymmetricKeyParameter certificateKey;
    private final List<String> alpn;
    private final TlsSession.Buffers buffers = TlsSession.Buffers.create();

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
        this.alpn = List.copyOf(offer);
        try {
            this.certificateKey = PrivateKeyFactory.createKey(certificate.key().getPrivate().getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the certificate key", e);
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

    /** The buffer pools of this channel's sessions. */
    TlsSession.Buffers buffers() {
        return buffers;
    }

    /** The certificate this channel presents, DER-encoded. */
    public byte[] certificate() {
        return certificate.der().clone();
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

    /** What one handshake learns: the remote, or the typed reason its certificate was refused. */
    private static final class Handshake {
        final Optional<PeerId> expected;
        TlsCertificates.Remote remote;
        HandshakeException failure;

        Handshake(Optional<PeerId> expected) {
            this.expected = expected;
        }

        /** Checks the remote's certificate; a refusal becomes the alert BouncyCastle sends. */
        void check(Certificate chain) throws IOException {
            try {
                if (chain == null || chain.isEmpty()) {
                    throw new InvalidCertificateException("the remote presented no certificate");
                }
                List<byte[]> ders = new ArrayList<>();
                for (int i = 0; i < chain.getLength(); i++) {
                    ders.add(chain.getCertificateAt(i).getEncoded());
                }
                TlsCertificates.Remote r = TlsCertificates.verify(ders, Instant.now());
                if (expected.isPresent() && !expected.get().equals(r.peer())) {
                    throw new PeerIdMismatchException(expected.get(), r.peer());
                }
                remote = r;
            } catch (HandshakeException e) {
                failure = e;
                short alert = chain == null || chain.isEmpty() ? AlertDescription.certificate_required
                        : e instanceof CertificateValidityException ? AlertDescription.certificate_expired
                        : AlertDescription.bad_certificate;
                throw new TlsFatalAlert(alert, e.getMessage(), e);
            }
        }
    }

    private TlsSession handshake(Duplex connection, boolean client, Optional<PeerId> expected) throws IOException {
        Objects.requireNonNull(connection, "connection");
        BcTlsCrypto crypto = new BcTlsCrypto(config.random());
        Handshake handshake = new Handshake(expected);
        String role = client ? "client" : "server";
        TlsContext context;
        EndAware in = new EndAware(connection.input());
        try {
            if (client) {
                Client peer = new Client(crypto, handshake);
                new TlsClientProtocol(in, connection.output()).connect(peer);
                context = peer.context();
            } else {
                Server peer = new Server(crypto, handshake);
                new TlsServerProtocol(in, connection.output()).accept(peer);
                context = peer.context();
            }
            if (handshake.remote == null) {
                throw new TlsHandshakeException("the TLS handshake ended without the remote's certificate");
            }
        } catch (IOException | RuntimeException e) {
            HandshakeException typed = handshake.failure != null ? handshake.failure
                    : e instanceof HandshakeException h ? h
                    : in.ended ? new TlsHandshakeException("the remote closed the connection during the TLS handshake"
                            + " (as " + role + ")", e)
                    : new TlsHandshakeException("the TLS handshake as " + role + " failed: " + describe(e), e);
            LOG.log(System.Logger.Level.DEBUG, "TLS handshake as {0} failed: {1}", role, typed.toString());
            throw typed;
        }
        SecurityParameters params = context.getSecurityParametersConnection();
        TrafficKeys.Suite suite = TrafficKeys.Suite.of(params.getCipherSuite());
        byte[] clientSecret = params.getTrafficSecretClient().extract();
        byte[] serverSecret = params.getTrafficSecretServer().extract();
        ProtocolName selected = params.getApplicationProtocol();
        String protocol = selected == null ? null : selected.getUtf8Decoding();
        Optional<String> muxer = protocol != null && config.streamMuxers().contains(protocol) ? Optional.of(protocol)
                : Optional.empty();
        TlsCertificates.Remote remote = handshake.remote;
        LOG.log(System.Logger.Level.DEBUG, "TLS handshake as {0} with {1} done ({2}), muxer {3}", role,
                remote.peer(), suite.suiteName, muxer.orElse("to negotiate"));
        return new TlsSession(connection, localPeer, remote.peer(), remote.key(), muxer, suite,
                client ? serverSecret : clientSecret, client ? clientSecret : serverSecret, buffers);
    }

    /** The raw input during the handshake, noting whether it ended (BouncyCastle reports that as a failed handshake). */
    private static final class EndAware extends FilterInputStream {
        volatile boolean ended;

        EndAware(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof TlsFatalAlertReceived r) {
            return "the remote sent alert " + AlertDescription.getText(r.getAlertDescription());
        }
        if (e instanceof TlsFatalAlert a) {
            return AlertDescription.getText(a.getAlertDescription())
                    + (a.getMessage() == null ? "" : " (" + a.getMessage() + ")");
        }
        if (e instanceof EOFException) {
            return "the remote closed the connection";
        }
        return e.toString();
    }

    private Vector<ProtocolName> protocolNames() {
        Vector<ProtocolName> names = new Vector<>();
        alpn.forEach(p -> names.add(ProtocolName.asUtf8Encoding(p)));
        return names;
    }

    private TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto, byte[] requestContext)
            throws IOException {
        Certificate chain = new Certificate(requestContext, new CertificateEntry[] {
            new CertificateEntry(crypto.createCertificate(certificate.der()), null)
        });
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificateKey, chain,
                SignatureScheme.getSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp256r1_sha256));
    }

    private final class Client extends DefaultTlsClient {
        private final Handshake handshake;

        Client(BcTlsCrypto crypto, Handshake handshake) {
            super(crypto);
            this.handshake = handshake;
        }

        TlsContext context() {
            return context;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv13.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected Vector getProtocolNames() {
            return protocolNames();
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    handshake.check(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return signer(context, (BcTlsCrypto) getCrypto(), request.getCertificateRequestContext());
                }
            };
        }
    }

    private final class Server extends DefaultTlsServer {
        private final Handshake handshake;

        Server(BcTlsCrypto crypto, Handshake handshake) {
            super(crypto);
            this.handshake = handshake;
        }

        TlsContext context() {
            return context;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv13.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
        }

        @Override
        protected boolean preferLocalCipherSuites() {
            return true;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected Vector getProtocolNames() {
            return protocolNames();
        }

        /** The client's first protocol this side supports; "libp2p" only when no muxer is shared. */
        @Override
        @SuppressWarnings("rawtypes")
        protected ProtocolName selectProtocolName(Vector clientProtocolNames, Vector serverProtocolNames) {
            for (Object offered : clientProtocolNames) {
                ProtocolName name = (ProtocolName) offered;
                if (!name.equals(ProtocolName.asUtf8Encoding(ALPN_LIBP2P)) && serverProtocolNames.contains(name)) {
                    return name;
                }
            }
            ProtocolName libp2p = ProtocolName.asUtf8Encoding(ALPN_LIBP2P);
            return clientProtocolNames.contains(libp2p) ? libp2p : null;
        }

        @Override
        public TlsCredentials getCredentials() throws IOException {
            return signer(context, (BcTlsCrypto) getCrypto(), TlsUtils.EMPTY_BYTES);
        }

        @Override
        public CertificateRequest getCertificateRequest() throws IOException {
            return new CertificateRequest(TlsUtils.EMPTY_BYTES,
                    TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            handshake.check(clientCertificate);
        }
    }
}
