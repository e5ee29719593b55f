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
                .isInstanceOfSatisfying(QueueException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
    }
}
