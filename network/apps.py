from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)

        # The tokens of emailed links stay out of the request logs.
        from .logfilters import install

        install()
