"""The bridge's own Prometheus metrics (the process's default registry, beside backbone.metrics)."""

from __future__ import annotations

from prometheus_client import Counter

CHANGES_NOT_TRANSLATED = Counter(
    "backbone_legacy_changes_not_translated",
    "Legacy row changes the bridge could not translate (recorded as LegacyChangeNotTranslated).",
    ["table", "rule"],
)
