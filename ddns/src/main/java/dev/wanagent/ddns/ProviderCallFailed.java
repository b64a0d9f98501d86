package dev.wanagent.ddns;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One provider API call failed; {@code accountWide} when no other hostname of the account can succeed either. */
final class ProviderCallFailed extends Exception {
    /** The work for one hostname of an API provider (find the record, set it). */
    interface PerHost {
        UpdateOutcome update(String hostname) throws ProviderCallFailed;
    }

    /**
     * Runs {@code perHost} for each hostname in order; a failed call answers for its hostname, and an account-wide
     * failure (bad credentials, the API down) answers for all that remain without further calls.
     */
    static Map<String, UpdateOutcome> eachHost(List<String> hostnames, PerHost perHost) {
        Map<String, UpdateOutcome> out = new LinkedHashMap<>();
        for (String host : hostnames) {
            try {
                out.put(host, perHost.update(host));
            } catch (ProviderCallFailed f) {
                out.put(host, f.outcome());
                if (f.accountWide()) {
                    for (String h : hostnames) out.putIfAbsent(h, f.outcome());
                    break;
                }
            }
        }
        return out;
    }

    private final transient UpdateOutcome outcome;
    private final boolean accountWide;

    ProviderCallFailed(UpdateOutcome outcome, boolean accountWide) {
        super(outcome.detail(), null, false, false);
        this.outcome = outcome;
        this.accountWide = accountWide;
    }

    UpdateOutcome outcome() {
        return outcome;
    }

    boolean accountWide() {
        return accountWide;
    }
}
