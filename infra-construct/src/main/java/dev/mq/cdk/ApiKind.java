package dev.mq.cdk;

/**
 * Which API Gateway front door serves the routes. {@link MqService} creates the front in one place
 * ({@code MqService.front}); each kind serves every route of the route table with IAM (SigV4) auth.
 */
public enum ApiKind {
    /** API Gateway REST API (v1), regional: usage plans, API keys, WAF, custom domains with base paths. */
    REST
}
