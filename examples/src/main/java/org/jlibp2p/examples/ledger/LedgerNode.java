package org.jlibp2p.examples.ledger;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jlibp2p.core.peer.PeerId;
import org.jlibp2p.core.swarm.Behaviour;
import org.jlibp2p.core.swarm.Swarm;
import org.jlibp2p.gossipsub.GossipsubBehaviour;
import org.jlibp2p.gossipsub.GossipsubConfig;
import org.jlibp2p.gossipsub.Message;
import org.jlibp2p.gossipsub.PeerScoreParams;
import org.jlibp2p.gossipsub.Subscription;
import org.jlibp2p.gossipsub.TopicScoreParams;
import org.jlibp2p.gossipsub.ValidationResult;

/**
 * A ledger-gossip node: a {@link Chain}, Gossipsub carrying transactions and blocks on two topics, each checked by a
 * validator before it is delivered or forwarded, and the {@link LedgerBehaviour} for the status handshake and block
 * fetches. Build the swarm with {@link #behaviours(Chain)} added, then {@link #start(Swarm)}.
 */
public final class LedgerNode {
    public static final String TRANSACTIONS_TOPIC = "jlibp2p-ledger/transactions/1";
    public static final String BLOCKS_TOPIC = "jlibp2p-ledger/blocks/1";

    private final Swarm swarm;
    private final GossipsubBehaviour pubsub;
    private final LedgerBehaviour ledger;
    private final Chain chain;
    private final SecureRandom nonces = new SecureRandom();
    private final Consumer<String> log;

    private LedgerNode(Swarm swarm, Consumer<String> log) {
        this.swarm = swarm;
        this.pubsub = swarm.behaviour(GossipsubBehaviour.class)
                .orElseThrow(() -> new IllegalArgumentException("the swarm runs no GossipsubBehaviour"));
        this.ledger = swarm.behaviour(LedgerBehaviour.class)
                .orElseThrow(() -> new IllegalArgumentException("the swarm runs no LedgerBehaviour"));
        this.chain = ledger.chain();
        this.log = log;
    }

    /**
     * Gossipsub's defaults, with both ledger topics scored: each message a validator rejects counts against the
     * peer that sent it (P4, weight -10 per message squared), so a peer that keeps sending invalid ones soon
     * falls below the gossip and graylist thresholds and is ignored.
     */
    public static GossipsubConfig gossipsubConfig() {
        TopicScoreParams topic = TopicScoreParams.builder()
                .invalidMessageDeliveriesWeight(-10)
                .invalidMessageDeliveriesDecay(0.9)
                .build();
        return GossipsubConfig.defaults().toBuilder()
                .scoreParams(PeerScoreParams.builder()
                        .topics(Map.of(TRANSACTIONS_TOPIC, topic, BLOCKS_TOPIC, topic))
                        .build())
                .build();
    }

    /** The behaviours a ledger node adds to its swarm: Gossipsub, and the ledger's protocols over {@code chain}. */
    public static List<Behaviour> behaviours(Chain chain) {
        return List.of(new GossipsubBehaviour(gossipsubConfig()), new LedgerBehaviour(chain));
    }

    /** Registers the validators and joins both topics; {@code swarm} runs {@link #behaviours}. */
    public static LedgerNode start(Swarm swarm) throws InterruptedException {
        return start(swarm, line -> {});
    }

    /** As {@link #start(Swarm)}, telling {@code log} of each block and transaction accepted. */
    public static LedgerNode start(Swarm swarm, Consumer<String> log) throws InterruptedException {
        LedgerNode node = new LedgerNode(swarm, log);
        node.pubsub.addValidator(TRANSACTIONS_TOPIC, node::validateTransaction);
        node.pubsub.addValidator(BLOCKS_TOPIC, node::validateBlock);
        // The validators did the work (a valid transaction is pooled, a valid block appended); the subscriptions
        // only have to be drained.
        node.pubsub.subscribe(TRANSACTIONS_TOPIC, m -> {});
        node.pubsub.subscribe(BLOCKS_TOPIC, m -> {});
        return node;
    }

    public Chain chain() {
        return chain;
    }

    public Swarm swarm() {
        return swarm;
    }

    /** Signs a transaction of {@code payload} with the node's key, pools it and gossips it. */
    public Transaction submit(byte[] payload) throws InterruptedException {
        Transaction t = Transaction.sign(swarm.identity(), nonces.nextLong(), payload);
        chain.addToPool(t);
        pubsub.publish(TRANSACTIONS_TOPIC, LedgerCodec.encode(t));
        return t;
    }

    /** Makes a block of the pooled transactions on the head, appends it and gossips it. */
    public Block produceBlock() throws InterruptedException {
        // Another block may land between nextBlock and append (gossip, a fetch): then try again on the new head.
        for (int attempt = 0; attempt < 3; attempt++) {
            Block b = chain.nextBlock(swarm.scheduler().now().toEpochMilli());
            if (chain.append(b) == Chain.Append.APPENDED) {
                pubsub.publish(BLOCKS_TOPIC, LedgerCodec.encode(b));
                log.accept("produced " + b);
                return b;
            }
        }
        throw new IllegalStateException("the head kept moving while making a block");
    }

    // Validators run on Gossipsub's thread before a message is delivered or forwarded: quick, and no blocking.
    // REJECT penalises the peer that sent the message (score P4); IGNORE drops it without a penalty.

    private ValidationResult validateTransaction(PeerId from, Message message) {
        Transaction t;
        try {
            t = LedgerCodec.decodeTransaction(message.data());
        } catch (LedgerFormatException e) {
            return ValidationResult.REJECT;
        }
        if (!t.verify()) {
            return ValidationResult.REJECT;
        }
        // A transaction known already is a replay, or a late copy an honest peer relayed: drop it, no penalty.
        if (!chain.addToPool(t)) {
            return ValidationResult.IGNORE;
        }
        log.accept("transaction " + t);
        return ValidationResult.ACCEPT;
    }

    private ValidationResult validateBlock(PeerId from, Message message) {
        Block b;
        try {
            b = LedgerCodec.decodeBlock(message.data());
        } catch (LedgerFormatException e) {
            return ValidationResult.REJECT;
        }
        return switch (chain.append(b)) {
            case APPENDED -> {
                log.accept("block " + b);
                yield ValidationResult.ACCEPT;
            }
            case KNOWN -> ValidationResult.IGNORE;
            case GAP -> {
                // We miss blocks before this one: fetch them (this one included) from the peer that sent it.
                ledger.catchUp(from, b.height());
                yield ValidationResult.IGNORE;
            }
            case INVALID -> ValidationResult.REJECT;
        };
    }
}
