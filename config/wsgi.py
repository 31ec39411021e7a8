import os

from django.core.wsgi import get_wsgi_application

# A server started without DJANGO_SETTINGS_MODULE runs production settings, which refuse to start
# without SECRET_KEY and ALLOWED_HOSTS, never the dev settings (DEBUG, a known key).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
