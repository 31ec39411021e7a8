from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, handing a list's FilterSet what the page's view hands it (the
    plans and units the person may choose from): ``view.filterset_extra_kwargs()``."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        extra = getattr(view, "filterset_extra_kwargs", None)
        return {**kwargs, **(extra() if extra else {})}
