#!/usr/bin/python3
# Reads a Prometheus text exposition on stdin with the Prometheus Python client's own parser
# (Debian: python3-prometheus-client) and prints one line per sample: "TYPE NAME{LABELS} VALUE".
# A document the parser cannot read fails (exit 1) with its error.
import sys

from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(s.labels.items()))
        print("%s %s{%s} %r" % (family.type, s.name, labels, s.value))
