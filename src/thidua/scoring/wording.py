"""The regulation's rules in words, one wording for the regulation page and the minutes."""

from __future__ import annotations

from django.utils.translation import gettext as _


def tie_break_labels(rules: list[str]) -> list[str]:
    """Each tie-break key (`section:A`, `full_points`) as the page and the minutes name it."""
    labels = []
    for rule in rules:
        if rule.startswith("section:"):
            labels.append(_("điểm nhóm %(c)s") % {"c": rule.split(":", 1)[1]})
        elif rule == "full_points":
            labels.append(_("số tiêu chí đạt điểm tối đa"))
        else:
            labels.append(rule)
    return labels


def tie_break_sentence(rules: list[str]) -> str:
    """The tie-break keys as one sentence of the minutes."""
    labels = tie_break_labels(rules)
    if not labels:
        return _("các đơn vị bằng điểm xếp cùng hạng")
    return _("xét lần lượt %(keys)s; bằng nhau ở mọi tiêu chí xét thì cùng hạng") % {
        "keys": ", ".join(labels)
    }
