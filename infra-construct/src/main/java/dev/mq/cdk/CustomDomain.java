package dev.mq.cdk;

import java.util.Objects;
import software.amazon.awscdk.services.certificatemanager.ICertificate;

/**
 * A custom domain name for the API, e.g. {@code api.example.com} with base path {@code mq}: the API then
 * answers at {@code https://api.example.com/mq/v1/...}. The handlers route by the API resource that API
 * Gateway matched, so a base path needs nothing else. The DNS record is the caller's: point a CNAME (or
 * a Route 53 alias, {@code ApiGatewayDomain} of {@link MqService#domainName()}) at the domain's
 * regional name.
 *
 * @param domainName  the name, e.g. {@code api.example.com}
 * @param certificate an ACM certificate for it, in the stack's region
 * @param basePath    the first path segment(s) before {@code /v1}, or null or empty for none
 */
public record CustomDomain(String domainName, ICertificate certificate, String basePath) {
    public CustomDomain {
        Objects.requireNonNull(domainName, "domainName");
        Objects.requireNonNull(certificate, "certificate");
        basePath = basePath == null ? "" : basePath.replaceAll("^/+|/+$", "");
    }

    /** The API's base URL on this domain, ending with a slash like RestApi.getUrl(). */
    public String url() {
        return "https://" + domainName + "/" + (basePath.isEmpty() ? "" : basePath + "/");
    }
}
