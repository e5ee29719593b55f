package dev.mq.core.filters;

import dev.mq.model.Names;
import dev.mq.model.QueueException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Each subscription's compiled filter, kept for the life of the process so a fan-out compiles a filter
 * once rather than once a message. An entry stands only for the filter it was compiled from: when a
 * subscription was replaced with another filter (here or by another process), it is compiled again.
 */
public final class FilterCache {
    private static final Logger LOG = Logger.getLogger(FilterCache.class.getName());

    private final Map<String, SubscriptionFilter> compiled = new ConcurrentHashMap<>();

    /**
     * The compiled filter of the subscription {@code key} (unique per topic and subscription), whose stored
     * filter is {@code filterJson}; null when that cannot be compiled (only a damaged item could hold such a
     * filter), which is logged, and the subscription then receives nothing rather than everything.
     */
    public SubscriptionFilter compiled(String key, String filterJson, FilterScope scope) {
        SubscriptionFilter cached = compiled.get(key);
        if (cached != null && cached.compiledFrom(filterJson, scope)) {
            return cached;
        }
        try {
            SubscriptionFilter fresh = SubscriptionFilter.compileStored(filterJson, scope);
            compiled.put(key, fresh);
            return fresh;
        } catch (QueueException e) {
            LOG.severe(() -> "subscription " + key + ": its stored filter cannot be compiled (" + e.getMessage()
                    + "); it matches no message: " + Names.printable(filterJson));
            return null;
        }
    }

    /** Keeps a filter just accepted, so the first fan-out after a subscribe does not compile it again. */
    public void put(String key, SubscriptionFilter filter) {
        compiled.put(key, filter);
    }

    public void forget(String key) {
        compiled.remove(key);
    }
}
