import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from portal.checks import require_static_manifest  # noqa: E402  (needs the settings loaded above)

require_static_manifest()  # a production start without collectstatic fails here, not on the first page
