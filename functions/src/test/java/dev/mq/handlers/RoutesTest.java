package dev.mq.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mq.model.ErrorCode;
import dev.mq.model.QueueException;
import org.junit.jupiter.api.Test;

/** How a path as sent becomes an operation and the names it carries. */
class RoutesTest {
    @Test
    void names_arePercentDecoded_segmentBySegment() {
        Routes.Match match = Routes.match("DELETE", "/v1/queues/bad%20name%2Fx/messages/a+b");

        assertThat(match.operation()).isEqualTo(Routes.Operation.ACK_ONE);
        assertThat(match.name()).isEqualTo("bad name/x");
        assertThat(match.child()).as("+ is itself in a path").isEqualTo("a+b");
    }

    @Test
    void aMalformedPercentEncoding_isInvalidRequest_notABug() {
        assertThatThrownBy(() -> Routes.match("GET", "/v1/queues/bad%zz"))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }

    @Test
    void everyRouteOfTheTable_isMatchedToItself() {
        for (Routes.Route route : Routes.ALL) {
            String path = route.path()
                    .replace("{queue}", "orders")
                    .replace("{topic}", "news")
                    .replace("{receiptHandle}", "h1")
                    .replace("{subscription}", "audit");
            assertThat(Routes.match(route.method(), path).route()).isEqualTo(route);
            assertThat(Routes.match(route.method(), route.path(), null, "/base/prod" + path)
                            .route())
                    .as("behind a base path")
                    .isEqualTo(route);
        }
    }

    @Test
    void behindABasePath_theResourceTellsWhereTheRouteStarts() {
        Routes.Match match = Routes.match(
                "DELETE", "/v1/queues/{queue}/messages/{receiptHandle}", null, "/mq/v1/queues/orders/messages/h1");

        assertThat(match.operation()).isEqualTo(Routes.Operation.ACK_ONE);
        assertThat(match.name()).isEqualTo("orders");
        assertThat(match.child()).isEqualTo("h1");
    }

    @Test
    void behindABasePath_aKnownResourceWithAnotherMethod_isMethodNotAllowed() {
        assertThatThrownBy(() -> Routes.match("POST", "/v1/queues/{queue}", null, "/mq/v1/queues/orders"))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED));
    }

    @Test
    void theCatchAllResource_matchesTheProxyPartOfThePath() {
        Routes.Match match = Routes.match("GET", Routes.PROXY_PATH, "v1/queues/orders/", "/mq/v1/queues/orders/");

        assertThat(match.operation()).isEqualTo(Routes.Operation.GET_QUEUE);
        assertThat(match.name()).isEqualTo("orders");
        assertThatThrownBy(() -> Routes.match("GET", Routes.PROXY_PATH, "v2/queues", "/mq/v2/queues"))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void literalRoutes_winOverTheSqsQueueUrl() {
        assertThat(Routes.match("POST", "/000000000000/orders").operation()).isEqualTo(Routes.Operation.SQS_QUEUE);
        assertThat(Routes.match("POST", "/").operation()).isEqualTo(Routes.Operation.SQS);
        assertThatThrownBy(() -> Routes.match("POST", "/v1/queues"))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED));
        assertThatThrownBy(() -> Routes.match("GET", "/000000000000/orders"))
                .isInstanceOfSatisfying(
                        QueueException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
