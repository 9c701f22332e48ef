from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "thidua.awards"
    label = "awards"
    verbose_name = "Khen thưởng"

    def ready(self) -> None:
        from thidua.awards.catalogue import award_name
        from thidua.ballots import minutes

        minutes.name_awards_with(award_name)  # the ballot minutes name the award voted on
