"""The browsable documentation: Swagger UI, its assets served from our own static files
(drf-spectacular-sidecar) and its start-up script from a URL of its own (the split view), as
the Content-Security-Policy allows scripts from this site only."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

# Swagger UI sets style attributes on its elements; styles only, scripts stay 'self'.
docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)
