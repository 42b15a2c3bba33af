package org.jlibp2p.kademlia.record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Dispatches on a key's namespace: keys are raw bytes {@code "/" namespace "/" rest}, e.g. {@code /pk/<multihash>}
 * or {@code /ipns/<peer id>}. A key without a namespace, or in a namespace without a validator, is invalid: the
 * DHT stores nothing it cannot validate. Immutable and thread-safe when its validators are.
 */
public final class NamespacedValidator implements Validator {
    private final Map<String, Validator> validators;

    private NamespacedValidator(Map<String, Validator> validators) {
        this.validators = validators;
    }

    /**
     * The validators of the public DHT: {@code pk} ({@link PublicKeyValidator}) and {@code ipns}
     * ({@link IpnsValidator}).
     */
    public static NamespacedValidator defaults() {
        return new NamespacedValidator(Map.of())
                .with(PublicKeyValidator.NAMESPACE, new PublicKeyValidator())
                .with(IpnsRecord.NAMESPACE, new IpnsValidator());
    }

    /** No namespace at all: every key is refused until {@link #with} adds one. */
    public static NamespacedValidator empty() {
        return new NamespacedValidator(Map.of());
    }

    /**
     * A copy that validates {@code namespace} (without slashes, e.g. {@code "ipns"}) with {@code validator},
     * replacing any validator it had.
     */
    public NamespacedValidator with(String namespace, Validator validator) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(validator, "validator");
        if (namespace.isEmpty() || namespace.indexOf('/') >= 0) {
            throw new IllegalArgumentException("a namespace is a non-empty name without '/', not \"" + namespace
                    + "\"");
        }
        Map<String, Validator> copy = new LinkedHashMap<>(validators);
        copy.put(namespace, validator);
        return new NamespacedValidator(Collections.unmodifiableMap(copy));
    }

    /** The namespaces this validator accepts, in the order they were added. */
    public Set<String> namespaces() {
        return validators.keySet();
    }

    @Override
    public void validate(byte[] key, byte[] value, Instant now) throws InvalidRecordException {
        validatorFor(key).validate(key, value, now);
    }

    @Override
    public int select(byte[] key, List<byte[]> values, Instant now) throws InvalidRecordException {
        return validatorFor(key).select(key, values, now);
    }

    /** The namespace of {@code key}: the bytes between its leading {@code /} and the next. */
    public static String namespaceOf(byte[] key) throws InvalidRecordException {
        if (key.length == 0 || key[0] != '/') {
            throw new InvalidRecordException("record key does not start with a namespace (\"/ns/...\")");
        }
        for (int i = 1; i < key.length; i++) {
            if (key[i] == '/') {
                if (i == 1) {
                    throw new InvalidRecordException("record key has an empty namespace");
                }
                return new String(key, 1, i - 1, StandardCharsets.UTF_8);
            }
        }
        throw new InvalidRecordException("record key has a namespace but no '/' after it");
    }

    private Validator validatorFor(byte[] key) throws InvalidRecordException {
        String namespace = namespaceOf(key);
        Validator v = validators.get(namespace);
        if (v == null) {
            throw new InvalidRecordException("no validator for the record namespace \"" + printable(namespace) + "\"");
        }
        return v;
    }

    private static String printable(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) + "..." : s;
        return cut.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? cut : cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
