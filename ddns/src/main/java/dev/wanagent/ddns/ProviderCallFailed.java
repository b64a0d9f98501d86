package dev.wanagent.ddns;

/** One provider API call failed; {@code accountWide} when no other hostname of the account can succeed either. */
final class ProviderCallFailed extends Exception {
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
