package dev.wanagent.config;

/** DNSPod through Tencent Cloud API 3.0 (TC3-HMAC-SHA256). {@code domain} is the zone, e.g. example.com. */
public record DnsPodProviderConfig(ProviderCommon common, String secretId, Secret secretKey, String domain)
        implements ProviderConfig {
    @Override
    public String type() {
        return "dnspod";
    }

    @Override
    public String label() {
        return "dnspod " + domain;
    }
}
