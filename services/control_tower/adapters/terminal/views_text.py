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
    reasons = []
    for r in rows:
        behind = "?" if r["events_behind"] is None else r["events_behind"]
        latency = r["latency"]["seconds"]
        seconds_behind = r["seconds_behind"] if r["seconds_behind"] >= 0 else "n/a"
        lines.append(
            f"{r['stream']:<14} {r['position']:>9} {behind:>14} {seconds_behind:>15} "
            f"{'n/a' if latency is None else latency:>15}"
        )
        if latency is None:
            reasons.append(f"{r['stream']}: latency {r['latency']['not_measurable']}")
    return "\n".join(lines + reasons)


def teams_text(rows: list[dict[str, Any]]) -> str:
    key = "team" if rows and "team" in rows[0] else "target_group"
    lines = [f"{'procedure':<24} {key.replace('_', ' '):<26} {'stage':<22} {'open':>6}"]
    lines += [
        f"{r['procedure']:<24} {r[key] or '(none yet)':<26} {r['stage']:<22} {r['open_cases']:>6}"
        for r in rows
    ]
    return "\n".join(lines)


def wip_text(document: dict[str, Any]) -> str:
    procedures = sorted({r["procedure"] for r in document["weeks"]})
    weeks = sorted({(r["week"], r["week_end"]) for r in document["weeks"]})
    counts = {(r["week"], r["procedure"]): r["open_cases"] for r in document["weeks"]}
    lines = ["Work in progress (received, not yet decided) at the end of each week"]
    lines.append(
        f"{'week':<9} {'until':<11} " + " ".join(f"{p[:12]:>12}" for p in procedures) + "    total"
    )
    for week, end in weeks:
        row = [counts.get((week, p), 0) for p in procedures]
        lines.append(f"{week:<9} {end:<11} " + " ".join(f"{n:>12}" for n in row) + f" {sum(row):>8}")
    return "\n".join(lines)


def stage_times_text(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'procedure':<24} {'stage':<22} {'visits':>7} {'mean days':>10}"]
    lines += [
        f"{r['procedure']:<24} {r['stage']:<22} {r['visits']:>7} {r['mean_days']:>10.1f}" for r in rows
    ]
    return "\n".join(lines)


def forecast_text(document: dict[str, Any]) -> str:
    lines = [f"Forecast of accepted applications per week from {document['today']}"]
    for p in document["procedures"]:
        weeks = p["forecast"]
        total = sum(w["inflow"] for w in weeks)
        held_out = p["held_out"]
        error = (
            "no held-out error (too little history)"
            if held_out is None
            else f"held-out error over {held_out['weeks']} weeks: MAE {held_out['mae']:.1f}/week"
            + ("" if held_out["mape"] is None else f", MAPE {held_out['mape']:.0%}")
        )
        lines.append(
            f"\n{p['procedure']}: {total:,.0f} expected in {len(weeks)} weeks "
            f"(first week {weeks[0]['inflow']:.0f}, range {weeks[0]['low']:.0f}-{weeks[0]['high']:.0f}); "
            f"{error}\n  method: {p['method']}\n"
            f"  open now {p['open_now']:,}, deciding {p['decisions_per_week']:.1f}/week -> "
            f"{p['backlog'][-1]['open_cases']:,.0f} open in {len(weeks)} weeks"
        )
    return "\n".join(lines)


def case_text(document: dict[str, Any] | None) -> str:
    if document is None:
        return "The tower has seen no event of this case."
    d = document
    lines = [
        f"Case {d['case_id']}: {d['procedure']}, stage {d['stage']}, "
        + ("open" if d["is_open"] else "closed"),
        f"  team {d['team'] or '-'}, target group {d['target_group'] or '-'}, track {d['track'] or '-'}",
        f"  received {d['received_on']}, statutory deadline {d['statutory_deadline'] or '-'}"
        + ("" if d["days_remaining"] is None else f" ({d['days_remaining']} days remaining)")
        + ("" if d["decided_on"] is None else f", decided {d['decided_on']} ({d['outcome']})"),
        "Timeline:",
    ]
    lines += [f"  {e['at'][:19]}  {e['service']:<9} {e['event']}" for e in d["timeline"]]
    return "\n".join(lines)


def whatif_text(document: dict[str, Any]) -> str:
    scenario = document["scenario"]
    changes = [
        f"capacity {c['procedure']} x{c['factor']:g} from week {c['from_week']}"
        for c in scenario["capacity"]
    ]
    changes += [
        f"inflow {c['procedure']} x{c['factor']:g} from week {c['from_week']}"
        + ("" if c["weeks"] >= 10_000 else f" for {c['weeks']} weeks")
        for c in scenario["inflow"]
    ]
    target = document["target_open_cases"] is not None
    header = f"{'':<24}{'open at end':>24}{'missed deadlines':>22}{'exposure at end €':>24}"
    header += f"{'penalties paid €':>24}" + (f"{'under target from':>28}" if target else "")
    lines = [
        f"What if {'; '.join(changes) or 'nothing changes'}: {document['horizon_weeks']} weeks from "
        f"{document['today']}",
        "",
        header,
    ]
    rows = [("total", document["total"])] + [(p["procedure"], p) for p in document["procedures"]]
    for name, result in rows:
        base, new = result["baseline"]["summary"], result["scenario"]["summary"]
        line = (
            f"{name:<24}{_change(base, new, 'open_cases_at_end'):>24}"
            f"{_change(base, new, 'missed_deadlines'):>22}{_change(base, new, 'exposure_at_end'):>24}"
            f"{_change(base, new, 'penalties_paid'):>24}"
        )
        if target:
            below = f"{base['below_target_from'] or '-'} -> {new['below_target_from'] or '-'}"
            line += f"{below:>28}"
        lines.append(line)
    lines += [
        "",
        "baseline -> scenario: a fluid projection from the views as they are (docs/control-tower.md)",
    ]
    return "\n".join(lines)


def _change(base: dict[str, Any], new: dict[str, Any], key: str) -> str:
    return f"{base[key]:,.0f} -> {new[key]:,.0f}"
