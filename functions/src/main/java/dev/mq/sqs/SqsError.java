package dev.mq.sqs;

/**
 * An error as SQS reports it, in the terms both protocols need.
 *
 * @param status the HTTP status (400 for nearly every client error, as SQS)
 * @param shape the error's shape name in SQS's model, which the JSON protocol sends as
 *     {@code __type: "com.amazonaws.sqs#<shape>"} ({@code QueueDoesNotExist})
 * @param queryCode the code the query protocol sends in {@code <Code>}, and the JSON protocol in the
 *     {@code x-amzn-query-error} header ({@code AWS.SimpleQueueService.NonExistentQueue})
 * @param sender true when the caller is at fault ({@code Sender}), false for the service ({@code Receiver})
 */
public record SqsError(int status, String shape, String queryCode, boolean sender, String message) {}
