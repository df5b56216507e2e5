from celery.schedules import crontab

from portal import appconfig


class ThrowawayConfig(appconfig.PortalAppConfig):
    name = "tests.throwaway_app"
    label = "throwaway"
    verbose_name = "临时应用"
    urls = {"throwaway/": "tests.throwaway_app.urls"}
    periodic_jobs = {"throwaway-tick": {"task": "tests.throwaway_app.tasks.tick", "schedule": crontab(minute=0)}}

    def ready(self):
        from portal.figures import registry
        from portal.ui import Todo, register_nav, register_nav_group, register_todos

        from . import api  # noqa: F401  (its route)

        register_nav_group("throwaway", "临时分组")
        register_nav("临时页面", "throwaway:page", "view_roster", order=99, group="throwaway")
        register_nav("临时统计", "throwaway:figures", "supervise", order=99, group="throwaway")
        registry.register("throwaway.count", "临时计数", "个", fn=lambda region, period: {
            child.path: 7 for child in region.children.all()})

        @register_todos
        def throwaway_todos(user):
            return [Todo("临时待办", 3, "/throwaway/")]
