package dev.mq.core;

import dev.mq.core.filters.FilterCache;
import dev.mq.core.filters.FilterInput;
import dev.mq.core.filters.FilterScope;
import dev.mq.core.filters.SubscriptionFilter;
import dev.mq.model.ErrorCode;
import dev.mq.model.Names;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Topics and subscriptions: publishing appends to the topic log, whose stream drives {@link #fanOut},
 * which puts one copy of each message into every matching queue subscription exactly once (a copy is
 * keyed by message and subscription, so a replayed or concurrent fan-out never writes a second). For an
 * endpoint subscription the copy is a {@link DeliveryJob} in the internal {@link #DELIVERY_QUEUE},
 * which a delivery worker posts from, retries, and finally hands to {@link #deadLetter}.
 */
public final class TopicService {
    private static final Logger LOG = Logger.getLogger(TopicService.class.getName());
    /** Published messages stay in the log as long as its stream keeps them, so a fan-out can be replayed. */
    private static final Duration KEEP_IN_LOG = Duration.ofDays(1);

    private static final Duration DEDUP_WINDOW = Duration.ofMinutes(5);
    /** Longer than any replay of the log's stream (24 hours), so a copy is never written twice. */
    private static final Duration COPY_WINDOW = Duration.ofDays(2);

    /** The internal queue endpoint deliveries wait in: a standard queue of this system, created on first need. */
    public static final String DELIVERY_QUEUE = Names.INTERNAL_PREFIX + "endpoint-deliveries";
    /**
     * An attribute only delivery jobs carry, so a stream filter on the messages table can wake the
     * delivery function for new jobs and for nothing else (see {@code StreamFilters}).
     */
    public static final String DELIVERY_JOB_ATTRIBUTE = "mq-delivery-job";
    /**
     * A minute's lease covers one attempt (at most ~15 s) with room to spare; 14 days of retention
     * outlast any retry budget, so a job ends delivered or dead-lettered, never expired.
     */
    static final QueueAttributes DELIVERY_QUEUE_ATTRIBUTES = QueueAttributes.parse(
            dev.mq.model.Json.parseObject("{\"visibilityTimeoutSeconds\": 60, \"messageRetentionSeconds\": 1209600}"),
            QueueAttributes.defaults());

    private final TopicStore store;
    private final QueueService queues;
    private final Clock clock;
    private final EndpointPolicy endpoints;
    private final MessageIds ids = new MessageIds();
    private final FilterCache filters = new FilterCache();

    public TopicService(TopicStore store, QueueService queues, Clock clock, EndpointPolicy endpoints) {
        this.store = store;
        this.queues = queues;
        this.clock = clock;
        this.endpoints = endpoints;
    }

    // ---------------------------------------------------------------- topics

    public Created<TopicDescription> createTopic(String name) {
        Names.requirePlainName("topic", name);
        TopicConfig wanted = new TopicConfig(name, now(), UUID.randomUUID().toString());
        Optional<TopicConfig> existing = store.createTopic(wanted);
        return new Created<>(describe(existing.orElse(wanted)), existing.isEmpty());
    }

    public TopicDescription getTopic(String name) {
        return describe(requireTopic(name));
    }

    public Page<TopicDescription> listTopics(int limit, String next) {
        String after = next == null || next.isEmpty() ? null : PageCursors.decodeName(next);
        Page<TopicConfig> page = store.listTopics(limit, after);
        return new Page<>(
                page.items().stream().map(TopicService::describe).toList(),
                page.next() == null ? null : PageCursors.encode(page.next()));
    }

    public void deleteTopic(String name) {
        Names.requirePlainName("topic", name);
        store.deleteTopic(name).orElseThrow(() -> topicNotFound(name));
    }

    // ---------------------------------------------------------------- subscriptions

    /**
     * Creates or replaces a subscription; a replaced one keeps its creation time. A filter SNS would refuse
     * is {@code InvalidRequest}, saying what is wrong, before anything is written.
     */
    public Created<Subscription> subscribe(String topic, String name, SubscriptionSpec request) {
        Names.requirePlainName("subscription", name);
        FilterScope scope = request.filterScope();
        SubscriptionFilter filter =
                request.filter() == null ? null : SubscriptionFilter.compile(request.filter(), scope);
        TopicConfig config = requireTopic(topic);
        if (request.queue() != null) {
            requireStandardQueue(request.queue(), "queue");
        } else {
            endpoints.check(request.endpoint());
        }
        if (request.deadLetterQueue() != null) {
            requireStandardQueue(request.deadLetterQueue(), "deadLetterQueue");
        }
        Optional<Subscription> existing = store.getSubscription(topic, name)
                .filter(s -> s.topicIncarnation().equals(config.incarnation()));
        Subscription subscription = new Subscription(
                topic,
                name,
                config.incarnation(),
                request.queue(),
                request.endpoint(),
                request.secret(),
                filter == null ? null : filter.json(),
                scope,
                request.deadLetterQueue(),
                existing.map(Subscription::createdAt).orElse(now()));
        store.putSubscription(subscription);
        if (filter != null) {
            filters.put(filterKey(subscription), filter);
        }
        return new Created<>(subscription, existing.isEmpty());
    }

    /** The subscription as stored, its secret too: what the owner is shown of it is the edge's to choose. */
    public Subscription getSubscription(String topic, String name) {
        return requireSubscription(topic, name);
    }

    public Page<Subscription> listSubscriptions(String topic, int limit, String next) {
        requireTopic(topic);
        String after = next == null || next.isEmpty() ? null : PageCursors.decodeName(next);
        Page<Subscription> page = store.listSubscriptions(topic, limit, after);
        return new Page<>(page.items(), page.next() == null ? null : PageCursors.encode(page.next()));
    }

    public void unsubscribe(String topic, String name) {
        Subscription subscription = requireSubscription(topic, name);
        store.deleteSubscription(topic, name);
        filters.forget(filterKey(subscription));
    }

    // ---------------------------------------------------------------- publishing and fan-out

    /** Publishes one message, as a send to a queue does; a topic takes no group and no delay. */
    public SendOutcome publish(String topic, MessageToSend message) {
        return publish(topic, List.of(message), false).get(0);
    }

    /** Publishes each message, with its own outcome, as a batch send to a queue does. */
    public List<SendOutcome> publishBatch(String topic, List<MessageToSend> messages) {
        return publish(topic, messages, true);
    }

    private List<SendOutcome> publish(String topic, List<MessageToSend> messages, boolean batch) {
        TopicConfig config = requireTopic(topic);
        Instant now = now();
        List<SendOutcome> results = new ArrayList<>();
        for (MessageToSend message : messages) {
            try {
                results.add(publishOne(config, message, now));
            } catch (QueueException e) {
                if (!batch) {
                    throw e;
                }
                results.add(SendOutcome.refused(e));
            }
        }
        return results;
    }

    private SendOutcome publishOne(TopicConfig config, MessageToSend request, Instant now) {
        if (request.groupId() != null) {
            throw QueueException.invalid("topics take no groupId");
        }
        if (request.delaySeconds() != null || request.deliverAt() != null) {
            throw QueueException.invalid("topics deliver at once: delaySeconds and deliverAt belong to queues");
        }
        request.requireSizeAtMost(QueueAttributes.MAX_MESSAGE_BYTES, "a topic");
        TopicMessage message = new TopicMessage(
                config.name(),
                config.incarnation(),
                ids.next(now),
                request.body(),
                request.attributes(),
                now,
                request.attributeTypes());
        Instant keepUntil = now.plus(KEEP_IN_LOG);
        if (request.deduplicationId() == null) {
            store.publish(message, keepUntil);
            return SendOutcome.sent(message.messageId(), false);
        }
        Optional<String> first =
                store.publishDeduplicated(message, keepUntil, request.deduplicationId(), now.plus(DEDUP_WINDOW), now);
        return SendOutcome.sent(first.orElse(message.messageId()), first.isPresent());
    }

    /**
     * Delivers published messages to their topic's matching queue subscriptions, at most once each
     * (then at least once across retries): a copy is written with a deduplication record keyed by
     * message and subscription. Subscriptions are read afresh for every call, so one created just
     * before a publish is never missed. A subscriber queue that no longer exists is skipped; store
     * failures are thrown, for the caller to retry the message.
     */
    public void fanOut(List<TopicMessage> messages) {
        Map<String, List<Subscription>> byTopic = new HashMap<>();
        for (TopicMessage message : messages) {
            List<Subscription> subscriptions = byTopic.computeIfAbsent(message.topic(), this::allSubscriptions);
            FilterInput filterInput = new FilterInput(message.body(), message.attributes(), message.attributeTypes());
            for (Subscription subscription : subscriptions) {
                if (receives(subscription, message, filterInput)) {
                    deliver(subscription, message);
                }
            }
        }
    }

    private boolean receives(Subscription subscription, TopicMessage message, FilterInput filterInput) {
        if (!subscription.topicIncarnation().equals(message.topicIncarnation())
                || subscription.createdAt().isAfter(message.publishedAt())) {
            return false;
        }
        if (subscription.filterJson() == null) {
            return true;
        }
        SubscriptionFilter filter =
                filters.compiled(filterKey(subscription), subscription.filterJson(), subscription.filterScope());
        return filter != null && filter.matches(filterInput);
    }

    /** One per subscription of a topic incarnation: a recreated topic's subscriptions are others. */
    private static String filterKey(Subscription subscription) {
        return subscription.topic() + "/" + subscription.name() + "#" + subscription.topicIncarnation();
    }

    private void deliver(Subscription subscription, TopicMessage message) {
        String copyKey = "topic#" + message.messageId() + "#" + subscription.name();
        if (subscription.queue() == null) {
            enqueueDelivery(DeliveryJob.of(subscription, message), copyKey);
            return;
        }
        Map<String, String> attributes = new HashMap<>(message.attributes());
        attributes.put("topic", message.topic());
        // the copy's "topic" attribute is the topic's name, a String whatever the publisher typed it
        Map<String, String> attributeTypes = new HashMap<>(message.attributeTypes());
        attributeTypes.remove("topic");
        try {
            queues.deliverCopy(
                    subscription.queue(),
                    message.messageId(),
                    message.body(),
                    attributes,
                    attributeTypes,
                    copyKey,
                    COPY_WINDOW);
        } catch (QueueException e) {
            if (e.code() != ErrorCode.QUEUE_NOT_FOUND) {
                throw e;
            }
            LOG.warning(() -> "subscription " + subscription.topic() + "/" + subscription.name() + ": queue "
                    + subscription.queue() + " no longer exists; message " + message.messageId() + " not delivered");
        }
    }

    /** Once per copy key, as a queue copy is; the queue is created by the first delivery that needs it. */
    private void enqueueDelivery(DeliveryJob job, String copyKey) {
        String messageId = job.payload().messageId();
        Map<String, String> attributes = Map.of(
                "topic",
                job.topic(),
                "subscription",
                job.subscription(),
                "messageId",
                messageId,
                DELIVERY_JOB_ATTRIBUTE,
                "1");
        try {
            queues.deliverCopy(DELIVERY_QUEUE, messageId, job.toJson(), attributes, Map.of(), copyKey, COPY_WINDOW);
        } catch (QueueException e) {
            if (e.code() != ErrorCode.QUEUE_NOT_FOUND) {
                throw e;
            }
            createDeliveryQueue();
            queues.deliverCopy(DELIVERY_QUEUE, messageId, job.toJson(), attributes, Map.of(), copyKey, COPY_WINDOW);
        }
    }

    private void createDeliveryQueue() {
        try {
            queues.createQueue(DELIVERY_QUEUE, DELIVERY_QUEUE_ATTRIBUTES);
            LOG.info(() -> "created the endpoint delivery queue " + DELIVERY_QUEUE);
        } catch (QueueException e) {
            if (e.code() != ErrorCode.QUEUE_ALREADY_EXISTS) {
                throw e; // it exists with other settings (changed by an operator): use it as it is
            }
        }
    }

    // ---------------------------------------------------------------- endpoint delivery

    /**
     * The subscription a delivery job is for, as it is now; empty when the job is void: its topic or
     * subscription was deleted (or created again, a new incarnation or a later creation time), or the
     * subscription no longer targets an endpoint. A replaced subscription's current endpoint and secret
     * apply.
     */
    public Optional<Subscription> deliveryTarget(DeliveryJob job) {
        Optional<TopicConfig> topic =
                store.getTopic(job.topic()).filter(t -> t.incarnation().equals(job.topicIncarnation()));
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        Instant publishedAt = Instant.parse(job.payload().publishedAt());
        return store.getSubscription(job.topic(), job.subscription())
                .filter(s -> s.topicIncarnation().equals(job.topicIncarnation()))
                .filter(s -> s.endpoint() != null && s.secret() != null)
                .filter(s -> !s.createdAt().isAfter(publishedAt));
    }

    /**
     * The subscription's endpoint, checked again before each attempt: the name may now resolve to an
     * address subscriptions may not target. {@code InvalidRequest} when it does.
     */
    public URI checkEndpoint(Subscription subscription) {
        return endpoints.check(subscription.endpoint());
    }

    /**
     * A payload whose retry budget ran out goes to the subscription's dead-letter queue as the body
     * of a message with the attributes {@code topic}, {@code subscription} and {@code messageId};
     * once, as a fan-out copy is. False when there is no dead-letter queue (or it no longer exists):
     * the payload is then dropped, and that is logged.
     */
    public boolean deadLetter(Subscription subscription, DeliveryJob job) {
        String messageId = job.payload().messageId();
        String where = subscription.topic() + "/" + subscription.name();
        if (subscription.deadLetterQueue() == null) {
            LOG.warning(() -> "subscription " + where + ": message " + messageId
                    + " was not delivered within its retry budget and is dropped (no deadLetterQueue)");
            return false;
        }
        Map<String, String> attributes =
                Map.of("topic", subscription.topic(), "subscription", subscription.name(), "messageId", messageId);
        try {
            queues.deliverCopy(
                    subscription.deadLetterQueue(),
                    messageId,
                    new String(job.payloadBytes(), StandardCharsets.UTF_8),
                    attributes,
                    Map.of(),
                    "dead#" + messageId + "#" + subscription.name(),
                    COPY_WINDOW);
            return true;
        } catch (QueueException e) {
            if (e.code() != ErrorCode.QUEUE_NOT_FOUND) {
                throw e;
            }
            LOG.warning(() -> "subscription " + where + ": message " + messageId + " was not delivered and its"
                    + " deadLetterQueue " + subscription.deadLetterQueue() + " no longer exists; it is dropped");
            return false;
        }
    }

    private List<Subscription> allSubscriptions(String topic) {
        List<Subscription> all = new ArrayList<>();
        String after = null;
        do {
            Page<Subscription> page = store.listSubscriptions(topic, 1000, after);
            all.addAll(page.items());
            after = page.next();
        } while (after != null);
        return all;
    }

    /** Removes expired log entries; the local server calls this because DynamoDB Local never runs TTL. */
    public long sweepExpired() {
        return store.deleteExpired(now());
    }

    // ---------------------------------------------------------------- helpers

    private void requireStandardQueue(String name, String field) {
        QueueConfig queue = queues.queueConfig(name);
        if (queue.fifo()) {
            throw QueueException.invalid(field + ": FIFO queues cannot subscribe to topics yet");
        }
    }

    private TopicConfig requireTopic(String name) {
        Names.requirePlainName("topic", name);
        return store.getTopic(name).orElseThrow(() -> topicNotFound(name));
    }

    private Subscription requireSubscription(String topic, String name) {
        TopicConfig config = requireTopic(topic);
        Names.requirePlainName("subscription", name);
        return store.getSubscription(topic, name)
                .filter(s -> s.topicIncarnation().equals(config.incarnation()))
                .orElseThrow(() -> new QueueException(
                        ErrorCode.SUBSCRIPTION_NOT_FOUND,
                        "subscription " + name + " of topic " + topic + " does not exist"));
    }

    private static QueueException topicNotFound(String name) {
        return new QueueException(ErrorCode.TOPIC_NOT_FOUND, "topic " + name + " does not exist");
    }

    private static TopicDescription describe(TopicConfig topic) {
        return new TopicDescription(topic.name(), topic.createdAt());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
