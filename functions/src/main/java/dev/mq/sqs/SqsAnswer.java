package dev.mq.sqs;

import java.util.Map;

/** What goes back over HTTP for one SQS request: status, content type, extra headers and body. */
public record SqsAnswer(int status, String contentType, Map<String, String> headers, String body) {}
