"""The review paragraph, written from the cluster's figures by the narrative templates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from thidua.common.numbers import quantize
from thidua.common.periods import parse_period
from thidua.reports.models import NarrativeKind, NarrativeTemplate
from thidua.reports.wording import number_text, phrase

NOUNS_EN = {
    "tỉnh": "provinces",
    "thành phố": "cities",
    "tỉnh, thành phố": "provinces and cities",
    "đơn vị": "units",
}


@dataclass
class Amount:
    """A number that writes itself the secretary's way when formatted: f"{amount:khoảng}"."""

    value: Decimal
    measure: str
    decimals: int
    language: str = "vi"
    large: tuple[Decimal, str] | None = None

    def __format__(self, spec: str) -> str:
        if spec == "exact":
            shown = number_text(quantize(self.value, self.decimals), self.language)
            return f"{shown}%" if self.measure == "%" else f"{shown} {self.measure}"
        return phrase(
            self.value,
            self.measure,
            self.decimals,
            self.language,
            about_only=spec in ("khoảng", "about"),
            large=self.large,
        )


def templates_for(cluster) -> list[NarrativeTemplate]:
    """The cluster's own templates replace the shared ones of the same kind and indicator."""
    chosen: dict[tuple, NarrativeTemplate] = {}
    rows = NarrativeTemplate.objects.filter(active=True).filter(
        cluster__isnull=True
    ) | NarrativeTemplate.objects.filter(active=True, cluster=cluster)
    for t in rows.select_related("indicator").order_by("position", "id"):
        key = (t.kind, t.indicator_id)
        if key not in chosen or t.cluster_id is not None:
            chosen[key] = t
    return sorted(chosen.values(), key=lambda t: (t.position, t.id))


def narrate(data: dict, cluster, language: str = "vi") -> str:
    """The paragraph for `review()` output; no clause for an indicator without data."""
    common = _common(data, cluster, language)
    opening, clauses = "", []
    for template in templates_for(cluster):
        text = _text(template, language)
        if not text:
            continue
        if template.kind == NarrativeKind.OPENING:
            opening = _sentence(text.format_map(common))
            continue
        entry = data["indicators"].get(template.indicator.code) if template.indicator else None
        clause = _clause(template, text, entry, common, language)
        if clause:
            clauses.append(clause)
    body = _sentence("; ".join(clauses)) if clauses else ""
    return " ".join(part for part in (opening, body) if part)


def _text(template: NarrativeTemplate, language: str) -> str:
    return template.text_en if language == "en" else template.text_vi


def _common(data: dict, cluster, language: str) -> dict:
    period = parse_period(data["period"])
    noun = data.get("member_noun") or "đơn vị"
    return {
        "noun": NOUNS_EN.get(noun, "members") if language == "en" else noun,
        "members": data["members"],
        "reported": data.get("reported", data["members"]),
        "period": period.label_en() if language == "en" else period.label().lower(),
        "cluster": data["cluster"]["name"],
        "name": "",
    }


def _clause(template, text: str, entry: dict | None, common: dict, language: str) -> str | None:
    if entry is None:
        return None
    amount = _amount_factory(template, entry, language)
    fields = dict(common)
    fields["name"] = entry["name_en"] if language == "en" else entry["short_name"]
    fields["count"] = entry["count"]
    for key in ("mean", "total", "min", "max"):
        fields[key] = amount(entry[key]) if entry[key] is not None else ""
    fields["value"] = amount(entry["cluster_value"]) if entry["cluster_value"] is not None else ""
    ranking = entry["ranking"]
    if template.kind == NarrativeKind.THRESHOLD:
        threshold = entry.get("threshold")
        if not threshold or threshold["value"] is None:
            return None
        fields |= {
            "meet": threshold["count"],
            "of": threshold["of"],
            "target": Amount(threshold["value"], entry["measure"], 0, language),
        }
        ranking = ranking[: threshold["count"]]
    if "{total" in text and entry["total"] is None:
        return None
    fields["items"] = _items(template, ranking, amount, entry, language)
    return text.format_map(fields)


def _amount_factory(template, entry: dict, language: str):
    large = None
    if template.large_unit_size:
        name = template.large_unit_en if language == "en" else template.large_unit_vi
        large = (template.large_unit_size, name)

    def make(value: Decimal) -> Amount:
        return Amount(Decimal(value), entry["measure"], entry["decimals"], language, large)

    return make


def _items(template, ranking: list[dict], amount, entry: dict, language: str) -> str:
    if not template.item_count or not ranking:
        return ""
    first = template.item_en if language == "en" else template.item_vi
    rest = (template.item_rest_en if language == "en" else template.item_rest_vi) or first
    chosen = ranking[: template.item_count]
    values = _distinct_readings(chosen, amount, entry)
    parts = [
        (first if i == 0 else rest).format(unit=row["unit_name"], value=values[i], rank=row["rank"])
        for i, row in enumerate(chosen)
    ]
    intro = template.items_intro_en if language == "en" else template.items_intro_vi
    return intro + ", ".join(parts)


def _distinct_readings(rows: list[dict], amount, entry: dict) -> list[str]:
    """Members with different values must not read the same: then give their exact values."""
    texts = [format(amount(r["value"]), "") for r in rows]
    readings = {}
    for text, row in zip(texts, rows, strict=True):
        readings.setdefault(text, set()).add(row["value"])
    if any(len(values) > 1 for values in readings.values()):
        return [format(amount(r["value"]), "exact") for r in rows]
    return texts


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
