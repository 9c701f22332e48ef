"""The peer a Django team would pick for the registry import: django-import-export.

Configured as its documentation shows: a ModelResource with the sheet's column names, a
ForeignKeyWidget for the award (looked up by code or by name, since lists use both), a date
widget for dd/mm/yyyy, and the diacritic-free search key filled in before save. It does less
than ours: no people are matched or created.
"""

from __future__ import annotations


def entry_resource(fast: bool):
    from import_export import fields, resources, widgets

    from thidua.awards.models import AwardEntry, AwardType
    from thidua.common.text import name_key

    class AwardWidget(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            found = AwardType.objects.filter(code=value).first()
            return found or AwardType.objects.get(name=value)

    class EntryResource(resources.ModelResource):
        recipient_name = fields.Field("recipient_name", "Họ và tên")
        birth_year = fields.Field("birth_year", "Năm sinh", widgets.IntegerWidget())
        unit_name = fields.Field("unit_name", "Đơn vị")
        award_type = fields.Field(
            "award_type", "Hình thức khen thưởng", AwardWidget(AwardType, "name")
        )
        year = fields.Field("year", "Năm", widgets.IntegerWidget())
        decision_number = fields.Field("decision_number", "Số quyết định")
        decision_date = fields.Field(
            "decision_date", "Ngày quyết định", widgets.DateWidget("%d/%m/%Y")
        )

        class Meta:
            model = AwardEntry
            fields = (
                "id", "recipient_name", "birth_year", "unit_name", "award_type", "year",
                "decision_number", "decision_date",
            )  # fmt: skip
            if fast:
                use_bulk = True
                force_init_instance = True
                skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):
            instance.name_key = name_key(instance.recipient_name)

    return EntryResource
