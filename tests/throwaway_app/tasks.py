from celery import shared_task


@shared_task(name="tests.throwaway_app.tasks.tick")
def tick():
    return "tick"
