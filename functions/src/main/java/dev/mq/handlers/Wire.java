package dev.mq.handlers;

import dev.mq.core.AckOutcome;
import dev.mq.core.BrowsedMessage;
import dev.mq.core.Consumer;
import dev.mq.core.ConsumerSpec;
import dev.mq.core.MessageToSend;
import dev.mq.core.QueueDescription;
import dev.mq.core.QueueStats;
import dev.mq.core.QueueSummary;
import dev.mq.core.ReceiveOptions;
import dev.mq.core.ReceivedMessage;
import dev.mq.core.SendOutcome;
import dev.mq.core.StoredMessage.MessageState;
import dev.mq.core.Subscription;
import dev.mq.core.SubscriptionSpec;
import dev.mq.core.TopicDescription;
import dev.mq.core.filters.FilterScope;
import dev.mq.model.ConsumerRequests;
import dev.mq.model.Json;
import dev.mq.model.Requests;
import dev.mq.model.Responses;
import dev.mq.model.TopicRequests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * The one mapping between the API's records on the wire (requests parsed by {@code Requests}, answers
 * in {@code Responses}) and the core's values: times become ISO-8601 strings, states their wire names,
 * errors inside a batch their error body, and a subscription or a consumer is shown without its secret.
 */
public final class Wire {
    private Wire() {}

    // ---------------------------------------------------------------- requests

    static MessageToSend message(Requests.MessageRequest m) {
        return new MessageToSend(
                m.body(),
                m.attributes(),
                m.delaySeconds(),
                m.deliverAt(),
                m.deduplicationId(),
                m.groupId(),
                m.attributeTypes());
    }

    static ReceiveOptions receive(Requests.ReceiveRequest r) {
        return new ReceiveOptions(r.maxMessages(), r.waitSeconds(), r.visibilityTimeoutSeconds());
    }

    /**
     * Sends what {@code request} holds: one message through {@code one}, which throws its refusal, or a
     * batch through {@code many}, whose entries the parser already refused keeping their place among
     * the outcomes.
     */
    static List<Responses.SendResult> send(
            Requests.SendBatch request,
            Function<MessageToSend, SendOutcome> one,
            Function<List<MessageToSend>, List<SendOutcome>> many) {
        if (!request.batch()) {
            return List.of(sendResult(one.apply(message(request.entries().get(0).message()))));
        }
        List<MessageToSend> valid = request.entries().stream()
                .filter(e -> e.error() == null)
                .map(e -> message(e.message()))
                .toList();
        Iterator<SendOutcome> outcomes = many.apply(valid).iterator();
        List<Responses.SendResult> results = new ArrayList<>();
        for (Requests.SendEntry entry : request.entries()) {
            results.add(
                    entry.error() != null ? Responses.SendResult.failed(entry.error()) : sendResult(outcomes.next()));
        }
        return results;
    }

    // ---------------------------------------------------------------- answers

    static Responses.SendResult sendResult(SendOutcome o) {
        return o.error() == null
                ? Responses.SendResult.sent(o.messageId(), o.duplicate())
                : Responses.SendResult.failed(o.error());
    }

    static Responses.ReceivedMessage received(ReceivedMessage m) {
        return new Responses.ReceivedMessage(
                m.messageId(),
                m.body(),
                m.attributes(),
                m.receiptHandle(),
                m.receiveCount(),
                time(m.sentAt()),
                time(m.firstReceivedAt()),
                m.groupId(),
                m.deduplicationId(),
                m.attributeTypes());
    }

    static Responses.AckResult ack(AckOutcome o) {
        return o.ok()
                ? Responses.AckResult.ok(o.receiptHandle())
                : Responses.AckResult.failed(o.receiptHandle(), o.error());
    }

    static Responses.BrowsedMessage browsed(BrowsedMessage m) {
        return new Responses.BrowsedMessage(
                m.messageId(),
                m.body(),
                m.attributes(),
                state(m.state()),
                m.receiveCount(),
                time(m.sentAt()),
                time(m.firstReceivedAt()),
                m.groupId(),
                m.deduplicationId(),
                m.attributeTypes());
    }

    static String state(MessageState state) {
        return switch (state) {
            case VISIBLE -> "visible";
            case IN_FLIGHT -> "inFlight";
            case DELAYED -> "delayed";
        };
    }

    static Responses.QueueDescription queue(QueueDescription q) {
        return new Responses.QueueDescription(
                q.name(),
                q.fifo(),
                time(q.createdAt()),
                time(q.modifiedAt()),
                q.attributes(),
                q.tags(),
                q.stats() == null ? null : stats(q.stats()));
    }

    static Responses.QueueStats stats(QueueStats s) {
        return new Responses.QueueStats(s.visible(), s.inFlight(), s.delayed(), s.oldestMessageAgeSeconds());
    }

    static Responses.QueueSummary summary(QueueSummary q) {
        return new Responses.QueueSummary(q.name(), q.fifo(), time(q.createdAt()));
    }

    static Responses.TopicDescription topic(TopicDescription t) {
        return new Responses.TopicDescription(t.name(), time(t.createdAt()));
    }

    static Responses.TopicSummary topicSummary(TopicDescription t) {
        return new Responses.TopicSummary(t.name());
    }

    /** The body of a subscription's PUT as the core takes it; the filter stays as written, for the core to judge. */
    public static SubscriptionSpec subscriptionSpec(String body) {
        TopicRequests.SubscriptionRequest r = TopicRequests.parseSubscription(body);
        return new SubscriptionSpec(
                r.queue(),
                r.endpoint(),
                r.secret(),
                r.filter(),
                FilterScope.fromWire(r.filterScope()),
                r.deadLetterQueue());
    }

    /** Never the secret; the filter as it was written, and its scope when there is a filter or it is not the default. */
    static Responses.SubscriptionDescription subscription(Subscription s) {
        String scope = s.filterJson() != null || s.filterScope() != FilterScope.ATTRIBUTES
                ? s.filterScope().wireName()
                : null;
        return new Responses.SubscriptionDescription(
                s.topic(),
                s.name(),
                s.queue(),
                s.endpoint(),
                s.filterJson() == null ? null : Json.parseObject(s.filterJson()),
                scope,
                s.deadLetterQueue(),
                time(s.createdAt()));
    }

    /** The body of a consumer's PUT as the core takes it, its settings' defaults filled in. */
    public static ConsumerSpec consumerSpec(String body) {
        ConsumerRequests.ConsumerRequest r = ConsumerRequests.parse(body);
        return new ConsumerSpec(
                r.function(), r.endpoint(), r.secret(), r.batchSize(), r.batchWindowSeconds(), r.maxConcurrency());
    }

    /** Never the secret. */
    static Responses.ConsumerDescription consumer(Consumer c) {
        return new Responses.ConsumerDescription(
                c.queue(),
                c.name(),
                c.functionArn(),
                c.endpoint(),
                c.batchSize(),
                c.batchWindowSeconds(),
                c.maxConcurrency(),
                time(c.createdAt()));
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
