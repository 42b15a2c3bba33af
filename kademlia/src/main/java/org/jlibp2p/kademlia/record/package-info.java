/**
 * What the DHT stores and how it judges it, without I/O or clocks (time comes in as {@code now}): validators of the
 * values under each key namespace ({@link org.jlibp2p.kademlia.record.NamespacedValidator}, with
 * {@link org.jlibp2p.kademlia.record.PublicKeyValidator} for {@code /pk/} and
 * {@link org.jlibp2p.kademlia.record.IpnsValidator} for {@code /ipns/}), IPNS records
 * ({@link org.jlibp2p.kademlia.record.IpnsRecord}), and the stores of values and provider records a node keeps for
 * others ({@link org.jlibp2p.kademlia.record.RecordStore}, {@link org.jlibp2p.kademlia.record.ProviderStore}).
 * Anything read from the network that fails a check ends in an
 * {@link org.jlibp2p.kademlia.record.InvalidRecordException}.
 */
package org.jlibp2p.kademlia.record;
