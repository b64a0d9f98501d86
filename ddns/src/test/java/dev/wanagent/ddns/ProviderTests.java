package dev.wanagent.ddns;

import dev.wanagent.config.ProviderCommon;
import mockwebserver3.MockResponse;

import java.util.List;

/** What the provider tests share. */
final class ProviderTests {
    private ProviderTests() {
    }

    static ProviderCommon common(List<String> hostnames) {
        return new ProviderCommon(hostnames, false, ProviderCommon.DEFAULT_FORCE_REFRESH);
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
    }
}
