package dev.wanagent.upnp;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A UPnP action failed. When the router answered with a UPnPError, {@link #errorCode()} holds its code and the
 * message names it (e.g. {@code 718 ConflictInMappingEntry}).
 */
public final class UpnpException extends IOException {
    /** Error codes of WANIPConnection (UPnP IGD v1/v2 and UDA) by name. */
    public static final int INVALID_ARGS = 402;
    public static final int ACTION_FAILED = 501;
    public static final int ACTION_NOT_AUTHORIZED = 606;
    public static final int SPECIFIED_ARRAY_INDEX_INVALID = 713;
    public static final int NO_SUCH_ENTRY_IN_ARRAY = 714;
    public static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    public static final int SAME_PORT_VALUES_REQUIRED = 724;
    public static final int ONLY_PERMANENT_LEASES_SUPPORTED = 725;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(401, "InvalidAction"),
            Map.entry(402, "InvalidArgs"),
            Map.entry(501, "ActionFailed"),
            Map.entry(600, "ArgumentValueInvalid"),
            Map.entry(601, "ArgumentValueOutOfRange"),
            Map.entry(602, "OptionalActionNotImplemented"),
            Map.entry(606, "ActionNotAuthorized"),
            Map.entry(713, "SpecifiedArrayIndexInvalid"),
            Map.entry(714, "NoSuchEntryInArray"),
            Map.entry(715, "WildCardNotPermittedInSrcIP"),
            Map.entry(716, "WildCardNotPermittedInExtPort"),
            Map.entry(718, "ConflictInMappingEntry"),
            Map.entry(724, "SamePortValuesRequired"),
            Map.entry(725, "OnlyPermanentLeasesSupported"),
            Map.entry(726, "RemoteHostOnlySupportsWildcard"),
            Map.entry(727, "ExternalPortOnlySupportsWildcard"),
            Map.entry(728, "NoPortMapsAvailable"),
            Map.entry(729, "ConflictWithOtherMechanisms"),
            Map.entry(732, "WildCardNotPermittedInIntPort"));

    private final Integer errorCode;

    public UpnpException(String message) {
        super(message);
        this.errorCode = null;
    }

    public UpnpException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = null;
    }

    /** The router's UPnPError; its {@code description} is router text, shown printable and short. */
    UpnpException(String action, int errorCode, String description) {
        super(action + " failed: UPnP error " + errorCode + " " + nameOf(errorCode)
                + (description == null || description.isBlank() ? ""
                : " (" + RouterText.printable(description.trim(), 200) + ")"));
        this.errorCode = errorCode;
    }

    public Optional<Integer> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    public boolean is(int code) {
        return errorCode != null && errorCode == code;
    }

    public static String nameOf(int code) {
        return NAMES.getOrDefault(code, "UnknownError");
    }
}
