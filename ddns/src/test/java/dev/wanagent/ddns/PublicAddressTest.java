package dev.wanagent.ddns;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PublicAddressTest {
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1",
            "169.254.10.10", "100.64.0.1", "100.127.255.254", "224.0.0.251", "255.255.255.255", "240.0.0.1",
            "192.0.2.7", "198.51.100.7", "203.0.113.7", "198.18.0.1", "0.1.2.3",
            "::", "::1", "fe80::1", "fd00::1", "fc12::1", "2001:db8::1", "ff02::1"})
    void neverPublished(String address) throws Exception {
        assertTrue(PublicAddress.whyNotPublic(InetAddress.getByName(address)).isPresent(), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"11.22.33.44", "1.1.1.1", "8.8.8.8", "172.15.255.255", "172.32.0.1", "100.63.255.255",
            "100.128.0.1", "192.169.0.1", "81.2.69.142", "2a00:1450:4001:80b::200e", "2001:4860:4860::8888"})
    void published(String address) throws Exception {
        assertTrue(PublicAddress.whyNotPublic(InetAddress.getByName(address)).isEmpty(), address);
    }
}
