package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One of the two wire protocols SQS SDKs speak. A protocol only parses and renders: every action is
 * implemented once, over {@link SqsCall}'s JSON-shaped input and a JSON-shaped output.
 */
public interface SqsProtocol {
    /**
     * Reads a request body.
     *
     * @param target the JSON protocol's {@code X-Amz-Target} header ({@code AmazonSQS.SendMessage}), null
     *     for the query protocol, which names the action in the body
     * @throws SqsException when the body cannot be read or names no action
     */
    SqsCall read(String target, String body);

    /** Renders an action's output, given in the JSON protocol's response shape. */
    SqsAnswer answer(String action, ObjectNode output, String requestId);

    /** Renders an error in this protocol's error shape. */
    SqsAnswer error(SqsError error, String requestId);
}
