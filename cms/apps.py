from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site"

    def ready(self):
        from . import page_cache, routing

        page_cache.connect()
        routing.connect()
