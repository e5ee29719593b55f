package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One SQS action: its input and output in the JSON protocol's shape, queue URLs as the request sees them. */
@FunctionalInterface
interface SqsAction {
    ObjectNode run(ObjectNode input, QueueUrls urls);
}
