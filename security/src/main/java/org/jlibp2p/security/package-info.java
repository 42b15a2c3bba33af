/** Secure channels: Noise XX (Noise_XX_25519_ChaChaPoly_SHA256), TLS 1.3 and plaintext/2.0.0. */
package org.jlibp2p.security;
