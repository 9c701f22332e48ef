from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "thidua.accounts"
    label = "accounts"

    def ready(self) -> None:
        from thidua.accounts import sealed_keys

        sealed_keys.install()
