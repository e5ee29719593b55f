package dev.mq.core;

import static dev.mq.core.ServiceFixture.attributes;
import static dev.mq.core.ServiceFixture.fifoMessage;
import static dev.mq.core.ServiceFixture.message;
import static dev.mq.core.ServiceFixture.withDeadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueAttributes;
import dev.mq.model.QueueException;
import dev.mq.testing.LocalDynamoDb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class QueueServiceTest {
    static final LocalDynamoDb db = LocalDynamoDb.shared();
    ServiceFixture f;
    QueueService service;

    @BeforeEach
    void freshService() {
        f = new ServiceFixture(db);
        service = f.service;
    }

    @Nested
    class Queues {
        @Test
        void create_answersCreatedThenExisting_andConflictOnOtherAttributes() {
            assertThat(service.createQueue("orders", QueueAttributes.defaults()).created())
                    .isTrue();
            assertThat(service.createQueue("orders", QueueAttributes.defaults()).created())
                    .isFalse();
            assertThatThrownBy(() -> service.createQueue(
                            "orders", attributes("visibilityTimeoutSeconds", 60, "delaySeconds", 0)))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.QUEUE_ALREADY_EXISTS);
        }

        @Test
        void delete_ofADeadLetterQueue_isRefusedNamingItsSources_untilNoneNamesIt() {
            f.queue("dlq");
            f.queue("orders", withDeadLetters("dlq", 3));
            f.queue("payments", withDeadLetters("dlq", 3));
            f.queue("other");
            f.send("dlq", "kept");

            assertThatThrownBy(() -> service.deleteQueue("dlq")).isInstanceOfSatisfying(QueueException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.QUEUE_IN_USE);
                assertThat(e.getMessage()).contains("orders, payments").doesNotContain("other");
            });
            assertThat(service.browse("dlq", 10, null).items())
                    .extracting(BrowsedMessage::body)
                    .containsExactly("kept");

            service.updateQueue("orders", a -> attributes());
            service.deleteQueue("payments");
            service.deleteQueue("dlq");
            assertThatThrownBy(() -> service.getQueue("dlq"))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.QUEUE_NOT_FOUND);
        }

        @Test
        void deleteAndCreateAgain_givesAnEmptyQueue_andOldHandlesAreInvalid() {
            f.queue("orders");
            f.send("orders", "old");
            String handle = f.receive("orders", 1).get(0).receiptHandle();
            service.deleteQueue("orders");
            f.queue("orders");

            assertThat(f.receive("orders", 10)).isEmpty();
            assertThatThrownBy(() -> service.ack("orders", handle))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.INVALID_RECEIPT_HANDLE);
        }

        @Test
        void list_isSortedByName_filteredByPrefix_andPaged() {
            for (String name : List.of("b-2", "a-1", "b-1", "c-1", "b-3")) {
                f.queue(name);
            }
            Page<?> first = service.listQueues("b-", 2, null);
            assertThat(first.items()).extracting("name").containsExactly("b-1", "b-2");
            Page<?> second = service.listQueues("b-", 2, first.next());
            assertThat(second.items()).extracting("name").containsExactly("b-3");
            assertThat(second.next()).isNull();
        }

        @Test
        void unknownQueue_isQueueNotFound() {
            assertThatThrownBy(() -> f.send("nope", "x"))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.QUEUE_NOT_FOUND);
        }

        @Test
        void deadLetterQueue_mustExistAndBeOfTheSameKind() {
            assertThatThrownBy(() -> service.createQueue("q", withDeadLetters("missing", 3)))
                    .hasMessageContaining("does not exist");
            f.queue("dlq.fifo");
            assertThatThrownBy(() -> service.createQueue("q", withDeadLetters("dlq.fifo", 3)))
                    .hasMessageContaining("standard");
        }

        @Test
        void stats_countVisibleInFlightAndDelayed_andOldestAge() {
            f.queue("q");
            f.send("q", "a");
            f.send("q", "b");
            f.send("q", new MessageToSend("later", Map.of(), 60, null, null, null));
            f.receive("q", 1);
            f.clock.advance(Duration.ofSeconds(5));

            QueueStats stats = service.getQueue("q").stats();
            assertThat(stats).isEqualTo(new QueueStats(1, 1, 1, 5));
        }

        @Test
        void purge_removesEveryMessage() {
            f.queue("q");
            for (int i = 0; i < 30; i++) {
                f.send("q", "m" + i);
            }
            service.purge("q");
            assertThat(f.receive("q", 10)).isEmpty();
        }
    }

    @Nested
    class Leases {
        @Test
        void receiveAndBrowse_keepToTheAnswerLimitTheEdgeSets_butAlwaysAnswerOneMessage() {
            // given: an edge whose answers take two 1,000-byte messages (about 2 KB each, as estimated)
            ServiceFixture limited = new ServiceFixture(
                    db.client(),
                    db.freshTables(),
                    1,
                    wiring -> wiring.settings(new QueueService.Settings(1, Duration.ofSeconds(2), 5_000)));
            limited.queue("q");
            for (int i = 0; i < 5; i++) {
                limited.send("q", "x".repeat(1_000));
            }

            // when / then
            Page<BrowsedMessage> page = limited.service.browse("q", 10, null);
            assertThat(page.items()).hasSize(2);
            assertThat(page.next()).isNotNull();
            assertThat(limited.receive("q", 10)).hasSize(2);

            ServiceFixture tiny = new ServiceFixture(
                    db.client(),
                    db.freshTables(),
                    1,
                    wiring -> wiring.settings(new QueueService.Settings(1, Duration.ofSeconds(2), 100)));
            tiny.queue("q");
            tiny.send("q", "x".repeat(1_000));
            tiny.send("q", "x".repeat(1_000));
            assertThat(tiny.receive("q", 10)).hasSize(1);
        }

        @Test
        void receivedMessage_isInvisibleUntilItsTimeoutEnds() {
            f.queue("q", attributes("visibilityTimeoutSeconds", 30, "delaySeconds", 0));
            f.send("q", "hello");
            List<ReceivedMessage> first = f.receive("q", 10);
            assertThat(first).singleElement().satisfies(m -> {
                assertThat(m.body()).isEqualTo("hello");
                assertThat(m.receiveCount()).isEqualTo(1);
            });
            assertThat(f.receive("q", 10)).isEmpty();

            f.clock.advance(Duration.ofSeconds(31));
            assertThat(f.receive("q", 10))
                    .singleElement()
                    .satisfies(m -> assertThat(m.receiveCount()).isEqualTo(2));
        }

        @Test
        void ack_deletes_andIsIdempotent() {
            f.queue("q");
            f.send("q", "hello");
            String handle = f.receive("q", 1).get(0).receiptHandle();
            service.ack("q", handle);
            service.ack("q", handle);
            f.clock.advance(Duration.ofMinutes(5));
            assertThat(f.receive("q", 10)).isEmpty();
        }

        @Test
        void ack_keepsMessage_whenLeaseWasTakenOver() {
            f.queue("q", attributes("visibilityTimeoutSeconds", 10, "delaySeconds", 0));
            f.send("q", "hello");
            String stale = f.receive("q", 1).get(0).receiptHandle();
            f.clock.advance(Duration.ofSeconds(11));
            String current = f.receive("q", 1).get(0).receiptHandle();

            assertThatThrownBy(() -> service.ack("q", stale))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.LEASE_LOST);
            assertThat(service.browse("q", 10, null).items()).hasSize(1);
            service.ack("q", current);
            assertThat(service.browse("q", 10, null).items()).isEmpty();
        }

        @Test
        void ack_afterTimeout_deletes_whenNobodyReceivedItAgain() {
            f.queue("q", attributes("visibilityTimeoutSeconds", 10, "delaySeconds", 0));
            f.send("q", "hello");
            String handle = f.receive("q", 1).get(0).receiptHandle();
            f.clock.advance(Duration.ofSeconds(60));
            service.ack("q", handle);
            assertThat(f.receive("q", 10)).isEmpty();
        }

        @Test
        void ackBatch_reportsEachHandle() {
            f.queue("q");
            f.send("q", "a");
            String good = f.receive("q", 1).get(0).receiptHandle();
            var results = service.ackAll("q", List.of(good, "garbage"));
            assertThat(results.get(0).ok()).isTrue();
            assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.INVALID_RECEIPT_HANDLE);
        }

        @Test
        void handleOfAnotherQueue_isInvalid() {
            f.queue("a");
            f.queue("b");
            f.send("a", "x");
            String handle = f.receive("a", 1).get(0).receiptHandle();
            assertThatThrownBy(() -> service.ack("b", handle))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.INVALID_RECEIPT_HANDLE);
        }

        @Test
        void tamperedHandle_isInvalid() {
            f.queue("q");
            f.send("q", "x");
            String handle = f.receive("q", 1).get(0).receiptHandle();
            String tampered = handle.substring(0, 5) + (handle.charAt(5) == 'A' ? 'B' : 'A') + handle.substring(6);
            assertThatThrownBy(() -> service.ack("q", tampered))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.INVALID_RECEIPT_HANDLE);
        }

        @Test
        void visibilityZero_releasesAtOnce_andExtensionKeepsItHidden() {
            f.queue("q", attributes("visibilityTimeoutSeconds", 10, "delaySeconds", 0));
            f.send("q", "x");
            String handle = f.receive("q", 1).get(0).receiptHandle();
            service.changeVisibility("q", handle, 100);
            f.clock.advance(Duration.ofSeconds(50));
            assertThat(f.receive("q", 1)).isEmpty();

            service.changeVisibility("q", handle, 0);
            assertThat(f.receive("q", 1)).hasSize(1);
        }

        @Test
        void visibilityChange_withSupersededHandle_isLeaseLost() {
            f.queue("q", attributes("visibilityTimeoutSeconds", 10, "delaySeconds", 0));
            f.send("q", "x");
            String stale = f.receive("q", 1).get(0).receiptHandle();
            f.clock.advance(Duration.ofSeconds(11));
            f.receive("q", 1);
            assertThatThrownBy(() -> service.changeVisibility("q", stale, 0))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.LEASE_LOST);
        }
    }

    @Nested
    class Sending {
        @Test
        void delayedMessage_isDeliveredOnlyAfterItsDelay() {
            f.queue("q");
            f.send("q", new MessageToSend("later", Map.of(), 10, null, null, null));
            assertThat(f.receive("q", 1)).isEmpty();
            f.clock.advance(Duration.ofSeconds(10));
            assertThat(f.receive("q", 1)).hasSize(1);
        }

        @Test
        void queueDelay_appliesWhenTheMessageNamesNone() {
            f.queue("q", attributes("visibilityTimeoutSeconds", 30, "delaySeconds", 5));
            f.send("q", "x");
            assertThat(f.receive("q", 1)).isEmpty();
            f.clock.advance(Duration.ofSeconds(5));
            assertThat(f.receive("q", 1)).hasSize(1);
        }

        @Test
        void deliverAt_inThePastMeansNow_andBeyondRetentionIsRefused() {
            f.queue("q");
            f.send("q", new MessageToSend("x", Map.of(), null, f.clock.instant().minusSeconds(60), null, null));
            assertThat(f.receive("q", 1)).hasSize(1);
            assertThatThrownBy(() -> f.send(
                            "q",
                            new MessageToSend(
                                    "x", Map.of(), null, f.clock.instant().plus(Duration.ofDays(5)), null, null)))
                    .hasMessageContaining("retention");
        }

        @Test
        void duplicateDeduplicationId_storesNothing_andAnswersTheFirstId() {
            f.queue("q");
            String first = f.send("q", new MessageToSend("a", Map.of(), null, null, "order-1", null));
            SendOutcome again = service.send("q", new MessageToSend("b", Map.of(), null, null, "order-1", null));
            assertThat(again).isEqualTo(SendOutcome.sent(first, true));
            assertThat(service.browse("q", 10, null).items())
                    .extracting(BrowsedMessage::body)
                    .containsExactly("a");
        }

        @Test
        void deduplication_lastsForTheWindowOnly_evenAfterAck() {
            f.queue("q");
            f.send("q", new MessageToSend("a", Map.of(), null, null, "d", null));
            service.ack("q", f.receive("q", 1).get(0).receiptHandle());
            assertThat(service.send("q", new MessageToSend("a", Map.of(), null, null, "d", null))
                            .duplicate())
                    .isTrue();

            f.clock.advance(Duration.ofSeconds(301));
            assertThat(service.send("q", new MessageToSend("a", Map.of(), null, null, "d", null))
                            .duplicate())
                    .isFalse();
        }

        @Test
        void contentBasedDeduplication_usesTheBodyHash() {
            f.queue("q", attributes("contentBasedDeduplication", true));
            String first = f.send("q", "same body");
            f.send("q", "same body");
            assertThat(service.browse("q", 10, null).items()).singleElement().satisfies(m -> {
                assertThat(m.messageId()).isEqualTo(first);
                assertThat(m.deduplicationId()).isEqualTo(dev.mq.core.Sending.sha256Hex("same body"));
            });
        }

        @Test
        void batch_sendsTheValidEntries_andReportsTheOthers() {
            f.queue("q");
            List<SendOutcome> results =
                    service.sendBatch("q", List.of(message("a"), fifoMessage("b", "g"), message("c")));
            assertThat(results.get(0).messageId()).isNotNull();
            assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(results.get(2).messageId()).isNotNull();
            assertThat(service.browse("q", 10, null).items())
                    .extracting(BrowsedMessage::body)
                    .containsExactly("a", "c");
        }

        @Test
        void oversizedMessage_isPayloadTooLarge_countingAttributes() {
            f.queue("q", attributes("maxMessageBytes", 10));
            f.send("q", "0123456789");
            assertThatThrownBy(
                            () -> f.send("q", new MessageToSend("01234", Map.of("ab", "cdef"), null, null, null, null)))
                    .extracting(e -> ((QueueException) e).code())
                    .isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        }

        @Test
        void expiredMessages_areNeverDelivered() {
            f.queue("q", attributes("messageRetentionSeconds", 60));
            f.send("q", "x");
            f.send("q", "y");
            f.clock.advance(Duration.ofSeconds(61));
            assertThat(service.browse("q", 10, null).items()).isEmpty();
            assertThat(service.sweepExpired())
                    .as("the store's sweep, where TTL does not run")
                    .isEqualTo(2);
            f.send("q", "z");
            f.clock.advance(Duration.ofSeconds(61));
            assertThat(f.receive("q", 10)).isEmpty();
            assertThat(service.sweepExpired())
                    .as("a receive removes what it read past its retention")
                    .isZero();
        }

        @Test
        void fifoRules_groupRequired_noPerMessageDelay_noGroupOnStandard() {
            f.queue("f.fifo");
            f.queue("s");
            assertThatThrownBy(() -> f.send("f.fifo", "x")).hasMessageContaining("groupId is required");
            assertThatThrownBy(() -> f.send("f.fifo", new MessageToSend("x", Map.of(), 5, null, null, "g")))
                    .hasMessageContaining("FIFO");
            assertThatThrownBy(() -> f.send("s", fifoMessage("x", "g"))).hasMessageContaining("only allowed on FIFO");
        }
    }

    @Nested
    class Fifo {
        @Test
        void group_isDeliveredInOrder_andBlockedWhileOneIsInFlight() {
            f.queue("q.fifo");
            for (int i = 0; i < 5; i++) {
                f.send("q.fifo", fifoMessage("a" + i, "A"));
                f.send("q.fifo", fifoMessage("b" + i, "B"));
            }
            List<String> got = new ArrayList<>();
            ReceivedMessage first = f.receive("q.fifo", 1).get(0);
            got.add(first.body());
            ReceivedMessage second = f.receive("q.fifo", 1).get(0);
            assertThat(second.groupId()).isNotEqualTo(first.groupId());
            assertThat(f.receive("q.fifo", 1)).as("both groups are blocked").isEmpty();

            service.ack("q.fifo", first.receiptHandle());
            ReceivedMessage third = f.receive("q.fifo", 1).get(0);
            assertThat(third.groupId()).isEqualTo(first.groupId());
            assertThat(third.body()).endsWith("1");
        }

        @Test
        void oneReceive_mayReturnConsecutiveMessagesOfAGroup_inOrder() {
            f.queue("q.fifo");
            for (int i = 0; i < 4; i++) {
                f.send("q.fifo", fifoMessage("m" + i, "G"));
            }
            assertThat(f.receive("q.fifo", 10))
                    .extracting(ReceivedMessage::body)
                    .containsExactly("m0", "m1", "m2", "m3");
        }

        @Test
        void expiredLease_redeliversTheSameHeadFirst() {
            f.queue("q.fifo");
            f.send("q.fifo", fifoMessage("m0", "G"));
            f.send("q.fifo", fifoMessage("m1", "G"));
            f.receive("q.fifo", 1, 10);
            f.clock.advance(Duration.ofSeconds(11));
            assertThat(f.receive("q.fifo", 1)).extracting(ReceivedMessage::body).containsExactly("m0");
        }
    }

    @Nested
    class DeadLetters {
        @Test
        void messageReceivedMaxTimes_movesToTheDeadLetterQueue_andRedriveBringsItBack() {
            f.queue("dlq");
            f.queue("q", withDeadLetters("dlq", 2));
            f.send("q", "poison");
            for (int i = 0; i < 2; i++) {
                assertThat(f.receive("q", 1, 5)).hasSize(1);
                f.clock.advance(Duration.ofSeconds(6));
            }
            assertThat(f.receive("q", 1)).isEmpty();
            List<ReceivedMessage> dead = f.receive("dlq", 1, 0);
            assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("poison"));

            assertThat(service.redrive("dlq", null, 10)).isEqualTo(1);
            assertThat(f.receive("q", 1))
                    .singleElement()
                    .satisfies(m -> assertThat(m.receiveCount()).isEqualTo(1));
        }

        @Test
        void fifoMessage_inTheDeadLetterQueue_unblocksItsGroup() {
            f.queue("dlq.fifo");
            f.queue("q.fifo", withDeadLetters("dlq.fifo", 1));
            f.send("q.fifo", fifoMessage("m0", "G"));
            f.send("q.fifo", fifoMessage("m1", "G"));
            f.receive("q.fifo", 1, 5);
            f.clock.advance(Duration.ofSeconds(6));
            assertThat(f.receive("q.fifo", 1)).extracting(ReceivedMessage::body).containsExactly("m1");
            assertThat(service.browse("dlq.fifo", 10, null).items())
                    .extracting(BrowsedMessage::body)
                    .containsExactly("m0");
        }

        @Test
        void message_keepsItsId_throughMoves_redrives_andAMoveAgain() {
            f.queue("dlq");
            f.queue("other");
            f.queue("q", withDeadLetters("dlq", 1));
            String id = f.send("q", new MessageToSend("poison", Map.of(), null, null, "order-7", null));
            deadLetterOnce("q");
            assertThat(service.browse("dlq", 10, null).items())
                    .extracting(BrowsedMessage::messageId)
                    .containsExactly(id);

            assertThat(service.redrive("dlq", null, 10)).isEqualTo(1);
            assertThat(service.browse("q", 10, null).items())
                    .extracting(BrowsedMessage::messageId)
                    .containsExactly(id);
            // the deduplication record still names it, and it is the message in the queue again
            SendOutcome again = service.send("q", new MessageToSend("poison", Map.of(), null, null, "order-7", null));
            assertThat(again.duplicate()).isTrue();
            assertThat(again.messageId()).isEqualTo(id);

            deadLetterOnce("q");
            assertThat(service.redrive("dlq", "other", 10)).isEqualTo(1);
            ReceivedMessage received = f.receive("other", 1, 5).get(0);
            assertThat(received.messageId()).isEqualTo(id);
            service.ack("other", received.receiptHandle());
            assertThat(service.browse("other", 10, null).items()).isEmpty();
            assertThat(service.browse("dlq", 10, null).items()).isEmpty();
            assertThat(service.browse("q", 10, null).items()).isEmpty();
        }

        @Test
        void redrivenMessage_isBrowsedWhereItArrived_andEveryMessageIsOnOnePage() {
            f.queue("dlq");
            f.queue("q", withDeadLetters("dlq", 1));
            String first = f.send("q", "first");
            deadLetterOnce("q");
            String second = f.send("q", "second");
            service.redrive("dlq", null, 10);

            Page<BrowsedMessage> page1 = service.browse("q", 1, null);
            Page<BrowsedMessage> page2 = service.browse("q", 1, page1.next());
            assertThat(page1.items()).extracting(BrowsedMessage::messageId).containsExactly(second);
            assertThat(page2.items()).extracting(BrowsedMessage::messageId).containsExactly(first);
            assertThat(page2.next()).isNull();
        }

        /** Receives the queue's one message, lets its lease end, and receives again: that moves it. */
        private void deadLetterOnce(String queue) {
            assertThat(f.receive(queue, 1, 5)).hasSize(1);
            f.clock.advance(Duration.ofSeconds(6));
            assertThat(f.receive(queue, 1)).isEmpty();
        }

        @Test
        void redrive_toAnExplicitDestination() {
            f.queue("dlq");
            f.queue("other");
            f.queue("q", withDeadLetters("dlq", 1));
            f.send("q", "x");
            f.receive("q", 1, 0);
            f.receive("q", 1);
            assertThat(service.redrive("dlq", "other", 10)).isEqualTo(1);
            assertThat(f.receive("other", 1)).hasSize(1);
        }
    }

    @Nested
    class Browsing {
        @Test
        void browse_showsStates_inSendOrder_withoutLeasing_andPages() {
            f.queue("q");
            for (int i = 0; i < 5; i++) {
                f.send("q", "m" + i);
            }
            f.send("q", new MessageToSend("later", Map.of(), 30, null, null, null));
            f.clock.advance(Duration.ofMillis(1));
            f.receive("q", 1);

            Page<BrowsedMessage> first = service.browse("q", 4, null);
            Page<BrowsedMessage> second = service.browse("q", 4, first.next());
            List<BrowsedMessage> all = new ArrayList<>(first.items());
            all.addAll(second.items());
            assertThat(second.next()).isNull();
            assertThat(all).extracting(BrowsedMessage::body).containsExactly("m0", "m1", "m2", "m3", "m4", "later");
            assertThat(all)
                    .extracting(BrowsedMessage::state)
                    .filteredOn(StoredMessage.MessageState.IN_FLIGHT::equals)
                    .hasSize(1);
            assertThat(all.get(5).state()).isEqualTo(StoredMessage.MessageState.DELAYED);
            assertThat(f.receive("q", 10)).hasSize(4);
        }
    }

    @Test
    void longPoll_returnsAsSoonAsAMessageArrives() throws Exception {
        f.queue("q");
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            f.send("q", "late");
        });
        sender.start();
        long started = System.nanoTime();
        List<ReceivedMessage> got = service.receive("q", new ReceiveOptions(1, 10, null));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        sender.join();
        assertThat(got).extracting(ReceivedMessage::body).containsExactly("late");
        assertThat(tookMillis)
                .as("returned on arrival, not at the end of the wait")
                .isLessThan(5_000);
    }

    @Nested
    class TypedAttributes {
        private MessageToSend typed(String body, Map<String, String> attributes, Map<String, String> types) {
            return new MessageToSend(body, attributes, null, null, null, null, types);
        }

        @Test
        void typesSent_areShownByReceiveAndBrowse_plainStringOnesLeftOut() {
            f.queue("q");
            f.send(
                    "q",
                    typed(
                            "order",
                            Map.of("price", "12.50", "photo", "AAEC", "note", "paid", "kind", "x"),
                            Map.of(
                                    "price",
                                    "Number",
                                    "photo",
                                    "Binary.jpeg",
                                    "note",
                                    "String.memo",
                                    "kind",
                                    "String")));
            Map<String, String> expected = Map.of("price", "Number", "photo", "Binary.jpeg", "note", "String.memo");

            assertThat(service.browse("q", 10, null).items().get(0).attributeTypes())
                    .isEqualTo(expected);
            ReceivedMessage received = f.receive("q", 1).get(0);
            assertThat(received.attributes()).containsEntry("photo", "AAEC");
            assertThat(received.attributeTypes()).isEqualTo(expected);
        }

        @Test
        void untypedMessage_hasNoTypes() {
            f.queue("q");
            f.send("q", "plain");
            assertThat(f.receive("q", 1).get(0).attributeTypes()).isEmpty();
        }

        @Test
        void deadLetterMove_andRedrive_keepTheTypes() {
            f.queue("dlq");
            f.queue("q", withDeadLetters("dlq", 1));
            f.send("q", typed("poison", Map.of("n", "7"), Map.of("n", "Number.int")));
            assertThat(f.receive("q", 1, 5)).hasSize(1);
            f.clock.advance(Duration.ofSeconds(6));
            assertThat(f.receive("q", 1)).isEmpty();
            assertThat(service.browse("dlq", 10, null).items().get(0).attributeTypes())
                    .isEqualTo(Map.of("n", "Number.int"));

            service.redrive("dlq", null, 10);
            assertThat(f.receive("q", 1).get(0).attributeTypes()).isEqualTo(Map.of("n", "Number.int"));
        }

        @Test
        void invalidTypes_areInvalidRequest_namingTheAttribute() {
            f.queue("q");
            assertRefused(Map.of("a", "1"), Map.of("b", "Number"), "'b', which is not an attribute of the message");
            assertRefused(Map.of("a", "1"), Map.of("a", "Integer"), "attribute a has the type 'Integer'");
            assertRefused(Map.of("a", "1"), Map.of("a", "Number."), "attribute a has the type 'Number.'");
            assertRefused(Map.of("a", "1"), Map.of("a", "Number.a b"), "has the type");
            assertRefused(Map.of("a", "1"), Map.of("a", "Number." + "x".repeat(250)), "256 characters");
            assertRefused(Map.of("a", "twelve"), Map.of("a", "Number"), "'twelve' is not a number");
            assertRefused(Map.of("a", "1".repeat(39)), Map.of("a", "Number"), "38 significant digits");
            assertRefused(Map.of("a", "1e127"), Map.of("a", "Number"), "between -10^128 and 10^126");
            assertRefused(Map.of("a", "-1e129"), Map.of("a", "Number"), "between -10^128 and 10^126");
            assertRefused(Map.of("a", "not base64!"), Map.of("a", "Binary"), "base64");
        }

        @Test
        void numbers_asSqsTakesThem_areAccepted() {
            f.queue("q");
            for (String n : List.of("0", "-12.5", "1e126", "-1e128", "1".repeat(38), "1" + "0".repeat(100))) {
                assertThat(service.send("q", typed("n", Map.of("a", n), Map.of("a", "Number")))
                                .messageId())
                        .as(n)
                        .isNotNull();
            }
        }

        private void assertRefused(Map<String, String> attributes, Map<String, String> types, String why) {
            assertThatThrownBy(() -> f.send("q", typed("x", attributes, types)))
                    .isInstanceOfSatisfying(QueueException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                        assertThat(e.getMessage()).contains(why);
                    });
        }

        @Test
        void size_countsTheTypesGiven_butNotTheImplicitString() {
            // body 5 + name 1 + value 1 = 7 bytes untyped; "Number" adds 6
            f.queue("q", attributes("maxMessageBytes", 12));
            f.send("q", typed("01234", Map.of("a", "1"), Map.of("a", "String")));
            f.send("q", new MessageToSend("0123456789", Map.of("a", "1"), null, null, null, null));
            assertThatThrownBy(() -> f.send("q", typed("01234", Map.of("a", "1"), Map.of("a", "Number"))))
                    .isInstanceOfSatisfying(QueueException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
                        assertThat(e.getMessage()).contains("13 bytes");
                    });
        }
    }
}
