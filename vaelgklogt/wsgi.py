import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaelgklogt.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, their modules) lives as long as the process: moved out of the
# garbage collector's view, so a full collection during a request no longer walks it (a third of the status
# function's CPU time at national scale went to such collections; README, Performance).
gc.collect()
gc.freeze()
