package dev.mq.sqs;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One SQS request as the actions read it, whatever protocol carried it: the action's name
 * ({@code SendMessage}) and its input in the shape of SQS's JSON protocol (AWS JSON 1.0), which
 * the query protocol's form parameters are translated into.
 *
 * @param input never null; the JSON protocol's request object, e.g. {@code {"QueueUrl": "...",
 *     "MessageBody": "...", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "5"}}}}
 */
public record SqsCall(String action, ObjectNode input) {}
