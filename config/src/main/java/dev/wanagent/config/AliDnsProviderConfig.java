package dev.wanagent.config;

/** Alibaba Cloud DNS (AliDNS) with an AccessKey pair. */
public record AliDnsProviderConfig(ProviderCommon common, String accessKeyId, Secret accessKeySecret)
        implements ProviderConfig {
    @Override
    public String type() {
        return "alidns";
    }

    @Override
    public String label() {
        return "alidns " + accessKeyId;
    }
}
