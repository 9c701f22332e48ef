"""The review as Markdown: title, narrative, the members table and the rankings."""

from __future__ import annotations

from django.utils.translation import gettext as _

from thidua.common.numbers import format_measure, format_vn


def review_markdown(data: dict) -> str:
    parts = [f"# {_cell(data['cluster']['name'])} – {data['period_label']}"]
    if data.get("narrative"):
        parts.append(data["narrative"])
    if data["indicators"]:
        parts.append("## " + _("Số liệu của từng %(noun)s") % {"noun": _noun(data)})
        parts.append(members_table(data))
        if any(e.get("illustrative") for e in data["indicators"].values()):
            parts.append("(*) " + _("Số liệu minh họa."))
        parts.append("## " + _("Xếp hạng"))
        parts.extend(_ranking(e) for e in data["indicators"].values())
    return "\n\n".join(parts) + "\n"


def members_table(data: dict) -> str:
    entries = list(data["indicators"].values())
    members = _members(entries)
    head = [_("TT"), _noun(data).capitalize()] + [_column(e) for e in entries]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * len(entries)]
    values = [{r["unit_name"]: r["value"] for r in e["ranking"]} for e in entries]
    for i, name in enumerate(members, start=1):
        cells = [
            format_vn(v.get(name), e["decimals"]) for v, e in zip(values, entries, strict=True)
        ]
        lines.append("| " + " | ".join([str(i), _cell(name), *cells]) + " |")
    totals = [format_vn(e["cluster_value"], e["decimals"]) for e in entries]
    lines.append("| | **" + _("Toàn cụm") + "** | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def _ranking(entry: dict) -> str:
    lines = [f"### {_cell(entry['name'])} ({entry['measure']})", ""]
    for r in entry["ranking"]:
        value = format_measure(r["value"], entry["measure"], entry["decimals"])
        lines.append(f"{r['rank']}. {_cell(r['unit_name'])}: {value}")
    threshold = entry.get("threshold")
    if threshold:
        lines += [
            "",
            _("Đạt mức giao ước: %(n)s/%(of)s.") % {"n": threshold["count"], "of": threshold["of"]},
        ]
    if entry.get("missing"):
        lines += ["", _("Chưa có số liệu: %(u)s.") % {"u": ", ".join(entry["missing"])}]
    return "\n".join(lines)


def _members(entries: list[dict]) -> list[str]:
    """Members in unit-code order (the official order), those without any value last."""
    coded = {r["unit_name"]: r["unit_code"] for e in entries for r in e["ranking"]}
    missing = [n for e in entries for n in e.get("missing", []) if n not in coded]
    return sorted(coded, key=lambda n: coded[n]) + list(dict.fromkeys(missing))


def _column(entry: dict) -> str:
    mark = " (*)" if entry.get("illustrative") else ""
    return _cell(f"{entry['name']} ({entry['measure']}){mark}")


def _noun(data: dict) -> str:
    return data.get("member_noun") or _("đơn vị")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
