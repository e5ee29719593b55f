package dev.mq.core;

import static dev.mq.core.ServiceFixture.attributes;
import static dev.mq.core.ServiceFixture.withDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.model.RedriveAllowPolicy;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the queue catalog keeps besides the settings: tags, when settings changed, dead-letter sources and policy. */
class QueueCatalogTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    ServiceFixture f;
    QueueService service;

    @BeforeEach
    void freshService() {
        f = new ServiceFixture(db);
        service = f.service;
    }

    private static ThrowingConsumer<Throwable> invalid(String message) {
        return e -> {
            assertThat(((QueueException) e).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e).hasMessageContaining(message);
        };
    }

    @Nested
    class Tags {
        @Test
        void tagsOfACreate_areKept_andIgnoredWhenTheQueueExists() {
            service.createQueue("orders", QueueAttributes.defaults(), Map.of("team", "shop"));
            Created<QueueDescription> again =
                    service.createQueue("orders", QueueAttributes.defaults(), Map.of("team", "other", "x", "y"));

            assertThat(again.created()).isFalse();
            assertThat(again.value().tags()).containsExactly(Map.entry("team", "shop"));
            assertThat(service.queueTags("orders")).containsExactly(Map.entry("team", "shop"));
            assertThat(service.getQueue("orders").tags()).containsExactly(Map.entry("team", "shop"));
        }

        @Test
        void tag_addsAndReplaces_keysAreCaseSensitive_andUntagRemovesOnlyWhatItNames() {
            f.queue("orders");
            service.tagQueue("orders", Map.of("team", "shop", "env", "prod"));
            service.tagQueue("orders", Map.of("team", "billing", "Team", "upper", "empty", ""));

            assertThat(service.queueTags("orders"))
                    .isEqualTo(Map.of("team", "billing", "Team", "upper", "env", "prod", "empty", ""));

            service.untagQueue("orders", List.of("team", "never-set"));
            assertThat(service.queueTags("orders")).isEqualTo(Map.of("Team", "upper", "env", "prod", "empty", ""));
        }

        @Test
        void tags_andAttributes_surviveEachOthersChanges_andSendsStillWork() {
            f.queue("orders");
            f.send("orders", "before"); // the settings are in this process's cache now
            service.tagQueue("orders", Map.of("team", "shop"));
            service.updateQueue("orders", a -> attributes("delaySeconds", 0, "visibilityTimeoutSeconds", 7));
            service.tagQueue("orders", Map.of("env", "prod"));

            assertThat(service.queueTags("orders")).isEqualTo(Map.of("team", "shop", "env", "prod"));
            assertThat(service.getQueue("orders").attributes().visibilityTimeoutSeconds())
                    .isEqualTo(7);
            f.send("orders", "after");
            assertThat(f.receive("orders", 10))
                    .extracting(ReceivedMessage::body)
                    .contains("before", "after");
        }

        @Test
        void limits_areSqsLimits_andARefusedChangeChangesNothing() {
            f.queue("orders");
            Map<String, String> fifty = new HashMap<>();
            for (int i = 0; i < 50; i++) {
                fifty.put("k" + i, "v");
            }
            service.tagQueue("orders", fifty);

            assertThatThrownBy(() -> service.tagQueue("orders", Map.of("one-more", "v")))
                    .satisfies(invalid("would have 51 tags; at most 50"));
            service.tagQueue("orders", Map.of("k0", "replaced")); // still 50
            assertThatThrownBy(() -> service.tagQueue("orders", Map.of("a".repeat(129), "v")))
                    .satisfies(invalid("1 to 128 characters"));
            assertThatThrownBy(() -> service.tagQueue("orders", Map.of("", "v")))
                    .satisfies(invalid("1 to 128 characters"));
            assertThatThrownBy(() -> service.tagQueue("orders", Map.of("k1", "v".repeat(257))))
                    .satisfies(invalid("0 to 256 characters"));
            assertThatThrownBy(() -> service.tagQueue("orders", Map.of("aws:team", "v")))
                    .satisfies(invalid("aws:, which is reserved"));
            assertThatThrownBy(() -> service.createQueue("other", QueueAttributes.defaults(), Map.of("AWS:x", "v")))
                    .satisfies(invalid("reserved"));
            assertThatThrownBy(() -> service.getQueue("other"))
                    .satisfies(e -> assertThat(((QueueException) e).code()).isEqualTo(ErrorCode.QUEUE_NOT_FOUND));

            Map<String, String> tags = service.queueTags("orders");
            assertThat(tags).hasSize(50).containsEntry("k0", "replaced").containsEntry("k1", "v");
            service.untagQueue("orders", List.of("k49"));
            service.tagQueue("orders", Map.of("a".repeat(128), "v".repeat(256))); // at every limit
        }

        @Test
        void deletingTheQueue_dropsItsTags_andOnesOfAMissingQueueAreNotFound() {
            service.createQueue("orders", QueueAttributes.defaults(), Map.of("team", "shop"));
            service.deleteQueue("orders");

            assertThatThrownBy(() -> service.queueTags("orders"))
                    .satisfies(e -> assertThat(((QueueException) e).code()).isEqualTo(ErrorCode.QUEUE_NOT_FOUND));
            assertThatThrownBy(() -> service.tagQueue("orders", Map.of("a", "b")))
                    .satisfies(e -> assertThat(((QueueException) e).code()).isEqualTo(ErrorCode.QUEUE_NOT_FOUND));
            f.queue("orders");
            assertThat(service.queueTags("orders")).isEmpty();
        }
    }

    @Nested
    class ModifiedAt {
        @Test
        void isTheCreation_movesWithEveryAttributeChange_butNotWithTags() {
            Instant created = f.clock.instant();
            f.queue("orders");
            assertThat(service.getQueue("orders").modifiedAt()).isEqualTo(created);

            f.clock.advance(Duration.ofMinutes(1));
            service.tagQueue("orders", Map.of("team", "shop"));
            service.untagQueue("orders", List.of("team"));
            assertThat(service.getQueue("orders").modifiedAt()).isEqualTo(created);

            f.clock.advance(Duration.ofMinutes(1));
            QueueDescription changed = service.updateQueue("orders", a -> attributes("delaySeconds", 3));
            assertThat(changed.modifiedAt()).isEqualTo(created.plus(Duration.ofMinutes(2)));
            assertThat(service.getQueue("orders").modifiedAt()).isEqualTo(created.plus(Duration.ofMinutes(2)));
            assertThat(service.getQueue("orders").createdAt()).isEqualTo(created);
        }

        @Test
        void anEntryWrittenBeforeIt_readsItsCreation_allowAll_andNoTags() {
            Instant created = f.clock.instant();
            f.queue("orders");
            f.clock.advance(Duration.ofMinutes(1));
            service.updateQueue("orders", a -> a.withRedriveAllowPolicy(RedriveAllowPolicy.DENY_ALL));
            service.tagQueue("orders", Map.of("team", "shop"));
            // as an entry written by a release before these attributes
            db.client()
                    .updateItem(r -> r.tableName(f.tables.catalog())
                            .key(Map.of("pk", AttributeValue.fromS("queue"), "sk", AttributeValue.fromS("orders")))
                            .updateExpression("REMOVE modAt, rap, tags"));

            QueueDescription read = service.getQueue("orders");
            assertThat(read.modifiedAt()).isEqualTo(created);
            assertThat(read.attributes()).isEqualTo(QueueAttributes.defaults());
            assertThat(read.tags()).isEmpty();
        }
    }

    @Nested
    class DeadLetterSources {
        @Test
        void areTheQueuesNamingIt_sortedAndPaged() {
            f.queue("dlq");
            f.queue("other-dlq");
            for (String name : List.of("e", "b", "d", "a", "c")) {
                f.queue(name, withDeadLetters("dlq", 3));
            }
            f.queue("f", withDeadLetters("other-dlq", 3));
            f.queue("g");

            Page<String> first = service.deadLetterSourceQueues("dlq", 2, null);
            assertThat(first.items()).containsExactly("a", "b");
            Page<String> second = service.deadLetterSourceQueues("dlq", 2, first.next());
            assertThat(second.items()).containsExactly("c", "d");
            Page<String> last = service.deadLetterSourceQueues("dlq", 2, second.next());
            assertThat(last.items()).containsExactly("e");
            assertThat(last.next()).isNull();
            assertThat(service.deadLetterSourceQueues("dlq", 1000, null).items())
                    .containsExactly("a", "b", "c", "d", "e");
            assertThat(service.deadLetterSourceQueues("g", 10, null).items()).isEmpty();
        }

        @Test
        void ofAMissingQueue_isNotFound_andBadPagesAreInvalid() {
            assertThatThrownBy(() -> service.deadLetterSourceQueues("nope", 10, null))
                    .satisfies(e -> assertThat(((QueueException) e).code()).isEqualTo(ErrorCode.QUEUE_NOT_FOUND));
            f.queue("dlq");
            assertThatThrownBy(() -> service.deadLetterSourceQueues("dlq", 0, null))
                    .satisfies(invalid("limit"));
            assertThatThrownBy(() -> service.deadLetterSourceQueues("dlq", 10, "not a cursor!"))
                    .satisfies(invalid("next"));
        }
    }

    @Nested
    class RedriveAllowPolicies {
        @Test
        void denyAll_refusesEveryQueueNamingIt_onCreateAndChange() {
            f.queue("dlq", QueueAttributes.defaults().withRedriveAllowPolicy(RedriveAllowPolicy.DENY_ALL));
            f.queue("orders");

            assertThatThrownBy(() -> service.createQueue("payments", withDeadLetters("dlq", 3)))
                    .satisfies(invalid("the redriveAllowPolicy of queue dlq (denyAll) does not allow queue payments"));
            assertThatThrownBy(() -> service.updateQueue("orders", a -> withDeadLetters("dlq", 3)))
                    .satisfies(invalid("(denyAll) does not allow queue orders"));
            assertThat(service.getQueue("orders").attributes().deadLetterQueue())
                    .isNull();
        }

        @Test
        void byQueue_admitsOnlyTheQueuesItNames() {
            f.queue(
                    "dlq",
                    QueueAttributes.defaults().withRedriveAllowPolicy(RedriveAllowPolicy.byQueue(List.of("orders"))));

            f.queue("orders", withDeadLetters("dlq", 3));
            assertThatThrownBy(() -> service.createQueue("payments", withDeadLetters("dlq", 3)))
                    .satisfies(invalid("(byQueue orders) does not allow queue payments"));
            assertThat(service.getQueue("orders").attributes().deadLetterQueue())
                    .isEqualTo("dlq");
        }

        @Test
        void aQueueNamingItBeforeThePolicyChanged_keepsItThroughOtherChanges() {
            f.queue("dlq");
            f.queue("orders", withDeadLetters("dlq", 3));
            service.updateQueue("dlq", a -> a.withRedriveAllowPolicy(RedriveAllowPolicy.DENY_ALL));

            QueueDescription changed = service.updateQueue(
                    "orders", a -> attributes("deadLetterQueue", "dlq", "maxReceiveCount", 5, "delaySeconds", 2));
            assertThat(changed.attributes().maxReceiveCount()).isEqualTo(5);
            assertThat(service.getQueue("dlq").attributes().redriveAllowPolicy())
                    .isEqualTo(RedriveAllowPolicy.DENY_ALL);
            assertThat(Set.copyOf(
                            service.deadLetterSourceQueues("dlq", 10, null).items()))
                    .containsExactly("orders");
        }

        @Test
        void isStored_andEqualPoliciesMakeACreateIdempotent() {
            QueueAttributes byQueue =
                    QueueAttributes.defaults().withRedriveAllowPolicy(RedriveAllowPolicy.byQueue(List.of("b", "a")));
            assertThat(service.createQueue("dlq", byQueue).created()).isTrue();
            assertThat(service.createQueue("dlq", byQueue).created()).isFalse();
            assertThat(service.getQueue("dlq").attributes().redriveAllowPolicy().sourceQueues())
                    .containsExactly("b", "a");
            assertThatThrownBy(() -> service.createQueue("dlq", QueueAttributes.defaults()))
                    .satisfies(e -> assertThat(((QueueException) e).code()).isEqualTo(ErrorCode.QUEUE_ALREADY_EXISTS));
        }
    }
}
