"""The review paragraph, written from the cluster's figures by the narrative templates.

What the templates say is bounded by the rules in `data/narrative_rules.json` (issue 18): results
first, coverage said plainly, no cluster figure when members are missing, standouts only when
clearly beyond the stated figure, the leader of a share-of-plan indicator even without a target,
official unit names, and no member named for an assigned plan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from thidua.common.numbers import quantize
from thidua.common.periods import parse_period
from thidua.orgs.models import Membership
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


@lru_cache(maxsize=1)
def rules() -> dict:
    text = resources.files("thidua.data").joinpath("narrative_rules.json").read_text("utf-8")
    return json.loads(text)


def narrate(data: dict, cluster, language: str = "vi") -> str:
    """The paragraph for `review()` output: the period, then coverage when members are missing,
    then the results; no clause for an indicator without data."""
    common = _common(data, cluster, language)
    common["names"] = official_names(data, language)
    opening, clauses = "", []
    for template in templates_for(cluster):
        text = _text(template, language)
        if not text:
            continue
        if template.kind == NarrativeKind.OPENING:
            opening = text.format_map(common).strip().rstrip(".,;")
            continue
        code = template.indicator.code if template.indicator else None
        entry = data["indicators"].get(code) if code else None
        clause = _clause(template, text, entry and dict(entry, code=code), common, language)
        if clause:
            clauses.append(clause)
    if common["reported"] < common["members"]:
        clauses.insert(0, rules()["coverage"][language].format_map(common))
    body = "; ".join(clauses)
    if opening and body:
        return _sentence(f"{opening}, {body}")
    return _sentence(opening or body)


def official_names(data: dict, language: str = "vi") -> dict[str, str]:
    """Unit code → the name the text uses ("Thành phố Cần Thơ"), for the cluster's members that
    year (one query, whatever the data: a code may name another unit in another time)."""
    year = parse_period(data["period"]).year
    members = Membership.objects.filter(cluster__code=data["cluster"]["code"], year=year)
    forms = rules()["official_names"]
    names = {}
    for code, name, kind in members.values_list("unit__code", "unit__name", "unit__kind"):
        form = forms.get(kind)
        names[code] = form[language].format(name=name) if form else name
    return names


def unit_name(row: dict, names: dict[str, str]) -> str:
    return names.get(row["unit_code"], row["unit_name"])


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


def stated(entry: dict) -> Decimal | None:
    """The figure a sentence states as the cluster's, the same as the table's "Toàn cụm": the
    cluster value (a ratio recomputed, a weighted mean), or for a sum the mean per member."""
    if entry.get("aggregation") == "sum":
        return entry["mean"]
    return entry["cluster_value"] if entry["cluster_value"] is not None else entry["mean"]


def _clause(template, text: str, entry: dict | None, common: dict, language: str) -> str | None:
    if entry is None:
        return None
    amount = _amount_factory(template, entry, language)
    fields = dict(common)
    fields["name"] = entry["name_en"] if language == "en" else entry["short_name"]
    fields["count"] = entry["count"]
    for key in ("total", "min", "max"):
        fields[key] = amount(entry[key]) if entry[key] is not None else ""
    fields["mean"] = amount(stated(entry)) if stated(entry) is not None else ""
    fields["value"] = amount(entry["cluster_value"]) if entry["cluster_value"] is not None else ""
    fields["amount"] = amount
    if entry["count"] < common["members"]:
        return _partial(entry, fields, language)
    ranking = entry["ranking"]
    if template.kind == NarrativeKind.THRESHOLD:
        threshold = entry.get("threshold")
        if not threshold or threshold["value"] is None:
            return _leader(template, entry, fields, amount, language)
        fields |= {
            "meet": threshold["count"],
            "of": threshold["of"],
            "target": Amount(threshold["value"], entry["measure"], 0, language),
        }
        ranking = ranking[: threshold["count"]]
    else:
        ranking = standouts(entry)
    if "{total" in text and entry["total"] is None:
        return None
    fields["items"] = _items(template, ranking, amount, entry, language, common["names"])
    return text.format_map(fields)


def standouts(entry: dict) -> list[dict]:
    """The members clearly beyond the stated figure, best first (rules: standout)."""
    reference = stated(entry)
    if reference is None or entry.get("code") in _assignments():
        return []
    margin = abs(reference) * Decimal(rules()["standout"]["margin_of_stated"])
    if entry["direction"] == "lower":
        return [r for r in entry["ranking"] if r["value"] <= reference - margin]
    return [r for r in entry["ranking"] if r["value"] >= reference + margin]


def _assignments() -> set[str]:
    return set(rules()["assignments"]["indicators"])


def _partial(entry: dict, fields: dict, language: str) -> str | None:
    """Members missing: the figure of those that reported, said to be theirs."""
    forms = rules()["partial"]
    if entry.get("aggregation") == "sum":
        return forms["sum"][language].format_map(fields) if fields["total"] else None
    figure = partial_figure(entry)
    if figure is None:
        return None
    value = fields["amount"](figure)
    return forms["mean"][language].format_map(dict(fields, value=value))


def partial_figure(entry: dict) -> Decimal | None:
    """With members missing: a ratio recomputed from sums whose members differ (this year's
    revenue of one, the plans of all) is nobody's, so the mean of the members' own ratios."""
    return entry["mean"] if entry.get("aggregation") == "formula" else stated(entry)


def _leader(template, entry: dict, fields: dict, amount, language: str) -> str | None:
    """A share-of-plan indicator without a covenant target: the cluster's figure and its leader."""
    if not fields["value"]:
        return None
    form = rules()["leader_without_target"]
    suffix = "en" if language == "en" else "vi"
    chosen = entry["ranking"][: form["item_count"]]
    values = [format(amount(r["value"]), "exact") for r in chosen]  # the table's figure
    names = fields["names"]
    parts = [
        form[f"item_{suffix}"].format(unit=unit_name(r, names), value=values[i], rank=r["rank"])
        for i, r in enumerate(chosen)
    ]
    items = form[f"items_intro_{suffix}"] + ", ".join(parts) if parts else ""
    value = format(amount(entry["cluster_value"]), "exact")
    return form[language].format_map(dict(fields, items=items, value=value))


def _amount_factory(template, entry: dict, language: str):
    large = None
    if template.large_unit_size:
        name = template.large_unit_en if language == "en" else template.large_unit_vi
        large = (template.large_unit_size, name)

    def make(value: Decimal) -> Amount:
        return Amount(Decimal(value), entry["measure"], entry["decimals"], language, large)

    return make


def _items(template, ranking, amount, entry: dict, language: str, names: dict) -> str:
    if not template.item_count or not ranking or entry.get("code") in _assignments():
        return ""
    first = template.item_en if language == "en" else template.item_vi
    rest = (template.item_rest_en if language == "en" else template.item_rest_vi) or first
    chosen = ranking[: template.item_count]
    values = _distinct_readings(chosen, amount, entry)
    parts = [
        (first if i == 0 else rest).format(
            unit=unit_name(row, names), value=values[i], rank=row["rank"]
        )
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
