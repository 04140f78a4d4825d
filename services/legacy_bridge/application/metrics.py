"""The bridge's own Prometheus metrics (the process's default registry, beside backbone.metrics)."""

from __future__ import annotations

from prometheus_client import Counter

CHANGES_NOT_TRANSLATED = Counter(
    "backbone_legacy_changes_not_translated",
    "Legacy row changes the bridge could not translate (recorded as LegacyChangeNotTranslated).",
    ["table", "rule"],
)
MIMIC_ROWS_WRITTEN = Counter(
    "backbone_legacy_mimic_rows_written",
    "Legacy rows the legacy mimic wrote for moved cases (zaken updated, zaak_statussen added).",
    ["table"],
)
MIMIC_WRITES_SKIPPED = Counter(
    "backbone_legacy_mimic_writes_skipped",
    "Decision events of moved cases the legacy mimic wrote nothing for: no legacy code for the stage "
    "(no_legacy_code), or the legacy row deleted after the cutover, a conflict (legacy_row_missing).",
    ["reason"],
)
