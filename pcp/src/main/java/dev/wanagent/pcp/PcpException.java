package dev.wanagent.pcp;

import java.io.IOException;
import java.util.Optional;

/**
 * Everything that can go wrong talking PCP or NAT-PMP: no answer, an answer that is not one (malformed, from the
 * wrong host, for another request), or the router's refusal with its result code. Parsing router bytes throws
 * nothing else.
 */
public class PcpException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers that react differently (fallback, back-off). */
    public enum Kind {
        /** nothing acceptable arrived within the time budget */
        NO_ANSWER,
        /** the router answered with a non-zero result code */
        RESULT,
        /** bytes that are not a well-formed answer (too short, wrong version, reserved bits) */
        MALFORMED,
        /** a well-formed answer to another request (opcode, nonce, port, protocol) */
        MISMATCH,
        /** the socket itself failed */
        IO
    }

    private final Kind kind;
    private final Optional<ResultCode> result;

    public PcpException(Kind kind, String message) {
        super(message);
        this.kind = kind;
        this.result = Optional.empty();
    }

    public PcpException(ResultCode result, String message) {
        super(message);
        this.kind = Kind.RESULT;
        this.result = Optional.of(result);
    }

    public Kind kind() {
        return kind;
    }

    /** The router's result code, for {@link Kind#RESULT}. */
    public Optional<ResultCode> result() {
        return result;
    }

    /** True when the router said it does not speak the version asked (PCP 1 UNSUPP_VERSION, NAT-PMP 1). */
    public boolean unsupportedVersion() {
        return result.map(r -> r.code() == 1).orElse(false);
    }
}
