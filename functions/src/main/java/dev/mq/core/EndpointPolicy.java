package dev.mq.core;

import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * Which endpoints a subscription or a push consumer may target. Deliveries are made from inside the deployment, so an
 * endpoint naming a private, link-local (the cloud metadata service) or loopback address would let a
 * subscriber reach what only the deployment can (SSRF). Those are refused unless allowed: the local
 * server allows loopback, a deployment may allow private ranges explicitly.
 *
 * @param allowLoopback loopback addresses, over http or https (the local server)
 * @param allowPrivate  private, link-local and unique-local addresses
 */
public record EndpointPolicy(boolean allowLoopback, boolean allowPrivate) {

    public static EndpointPolicy deployed() {
        return new EndpointPolicy(false, false);
    }

    /** The endpoint as a URI, or {@code InvalidRequest} saying why it is refused. */
    public URI check(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw QueueException.invalid("endpoint is not a URL: " + Names.printable(endpoint));
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw QueueException.invalid("endpoint must be https://host[:port]/path without credentials or fragment");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw QueueException.invalid("endpoint host " + Names.printable(uri.getHost()) + " does not resolve");
        }
        boolean allLoopback = true;
        for (InetAddress address : addresses) {
            if (address.isLoopbackAddress()) {
                if (!allowLoopback) {
                    throw refused(uri, "a loopback address");
                }
            } else {
                allLoopback = false;
                if (isPrivate(address) && !allowPrivate) {
                    throw refused(uri, "a private, link-local or metadata address");
                }
            }
        }
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        boolean localHttp = "http".equalsIgnoreCase(uri.getScheme()) && allowLoopback && allLoopback;
        if (!https && !localHttp) {
            throw QueueException.invalid("endpoint must be an https URL");
        }
        return uri;
    }

    private static boolean isPrivate(InetAddress address) {
        if (address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // shared address space 100.64.0.0/10
    }

    private static QueueException refused(URI uri, String what) {
        return QueueException.invalid("endpoint host " + Names.printable(uri.getHost()) + " is " + what
                + ", which subscriptions and consumers may not target here");
    }
}
