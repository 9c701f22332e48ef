from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "thidua.accounts"
    label = "accounts"

    def ready(self) -> None:
        from thidua.accounts import checks, sealed_keys, two_factor

        sealed_keys.install()
        two_factor.connect_signals()
        checks.register()
