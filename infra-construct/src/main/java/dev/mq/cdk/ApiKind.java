package dev.mq.cdk;

/**
 * Which API Gateway front door serves the routes. {@link MqService} creates the front in one place
 * ({@code MqService.front}); each kind serves every route of the route table with IAM (SigV4) auth.
 */
public enum ApiKind {
    /** API Gateway REST API (v1), regional: usage plans, API keys, WAF, custom domains with base paths. */
    REST,
    /**
     * API Gateway HTTP API (v2): $1.00 per million requests instead of $3.50, but API Gateway's own refusals
     * are not shaped like the API's errors, and there are no API keys, usage plans or WAF.
     */
    HTTP
}
