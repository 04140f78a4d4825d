"""Terminal renderings of the control tower's views (their JSON documents come from the views module)."""

from __future__ import annotations

from typing import Any


def risk_text(document: dict[str, Any]) -> str:
    exposure = document["exposure_eur"]
    lines = [f"Deadline risk on {document['today']}: open, undecided cases"]
    lines += [f"  {name.replace('_', ' '):<16} {count:>7}" for name, count in document["buckets"].items()]
    lines.append(f"Notices of default: {document['notices_of_default']}")
    lines.append(
        f"Penalty exposure: EUR {exposure['today']:,} today, "
        f"EUR {exposure['in_4_weeks']:,} in 4 weeks if nothing is decided"
    )
    return "\n".join(lines)


def throughput_text(document: dict[str, Any]) -> str:
    lines = [f"{'week':<9} {'procedure':<24} {'inflow':>7} {'outflow':>8} {'net':>6}"]
    lines += [
        f"{f['week']:<9} {f['procedure']:<24} {f['inflow']:>7} {f['outflow']:>8} {f['net']:>+6}"
        for f in document["weeks"]
        if f["inflow"] or f["outflow"]
    ]
    lines.append("\n4-week average per week:")
    lines += [
        f"  {procedure:<24} in {rate['inflow']:7.1f}  out {rate['outflow']:7.1f}"
        for procedure, rate in document["rolling_4_weeks"].items()
    ]
    return "\n".join(lines)


def lead_times_text(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'procedure':<24} {'track':<13} {'decided':>7} {'p50':>5} {'p90':>5} {'p95':>5}  (days)"]
    lines += [
        f"{t['procedure']:<24} {t['track'] or '-':<13} {t['decided']:>7} "
        f"{t['p50_days']:>5} {t['p90_days']:>5} {t['p95_days']:>5}"
        for t in rows
    ]
    return "\n".join(lines)


def aging_text(document: dict[str, Any]) -> str:
    lines = [f"Open cases by age on {document['today']}:"]
    lines += [f"  {band.replace('_', ' '):<18} {count:>7}" for band, count in document["age_bands"].items()]
    lines.append(f"Waiting on the applicant: {document['waiting_on_applicant']}")
    lines += [
        f"  {row['case_id']}  {row['procedure']:<24} {row['days_since_receipt']:>5} days"
        for row in document["longest_waiting"]
    ]
    return "\n".join(lines)


def issuance_text(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'channel':<14} {'waiting':>7} {'oldest':>7} {'mean':>6}  (days)"]
    lines += [
        f"{row['channel']:<14} {row['waiting']:>7} {row['oldest_days']:>7} {row['mean_days']:>6}"
        for row in rows
    ]
    return "\n".join(lines)


def freshness_text(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'stream':<14} {'position':>9} {'events behind':>14} {'seconds behind':>15} "
        f"{'last latency s':>15}"
    ]
    for r in rows:
        behind = "?" if r["events_behind"] is None else r["events_behind"]
        lines.append(
            f"{r['stream']:<14} {r['position']:>9} {behind:>14} {r['seconds_behind']:>15} "
            f"{r['last_latency_seconds']:>15}"
        )
    return "\n".join(lines)
