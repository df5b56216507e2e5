from celery.schedules import crontab

from portal import appconfig


class AssessmentsConfig(appconfig.PortalAppConfig):
    name = "portal.assessments"
    label = "assessments"
    verbose_name = "考核与统计"
    urls = {"assessments/": "portal.assessments.urls", "statistics/": "portal.assessments.urls_statistics"}
    # the quarter just ended is frozen on the 1st of the next quarter's first month, after midnight's jobs
    periodic_jobs = {"quarter-snapshots": {"task": "portal.assessments.tasks.snapshot_last_quarter",
                                           "schedule": crontab(minute=30, hour=2, day_of_month=1,
                                                               month_of_year="1,4,7,10")},
                     "snapshots-fail-stale": {"task": "portal.assessments.tasks.snapshots_fail_stale",
                                              "schedule": crontab(minute="*/10")}}

    def ready(self):
        # API routes, menu entries, the problem rules' scope grant
        from portal.figures import findings

        from . import api, api_snapshots, menu, problems, services  # noqa: F401
        from . import api_key_tasks, figures_key_tasks, services_key_tasks  # noqa: F401  (key tasks)

        # the pages on the left (the risk overview) show what the problem rules name
        findings.register(problems.find)
        # the two assessments (issue 12 items 1, 2, 4, 5): figures, message kind, API routes, menu
        from . import api_rubrics, figures_rubrics, kinds_rubrics, menu_rubrics  # noqa: F401
        # the notice's paragraph of scores and key tasks (portal.figures.paragraphs)
        from . import paragraphs  # noqa: F401
