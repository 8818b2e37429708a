"""A list filter by diagnosis group for lists whose rows belong to a group (memberships,
contact lists, letters...). A network of thousands of groups cannot print one link per
group in the sidebar, as Django's filter for a foreign key does: staff type the start of
the group's name instead. A plain form, so that it works without JavaScript and reads the
same to a screen reader as any other field."""

from __future__ import annotations

from django.contrib import admin
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _


class GroupNameFilter(admin.ListFilter):
    title = _("diagnosis group")
    parameter_name = "group_name"
    template = "admin/diagnoses/group_name_filter.html"
    # The path from the list's model to its group; a subclass names another.
    group_path = "group"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        typed = params.pop(self.parameter_name, [""])
        self.value = (typed[-1] if isinstance(typed, list) else typed).strip()

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str | None]:
        return [self.parameter_name]

    def queryset(self, request, queryset):
        if self.value:
            return queryset.filter(**{f"{self.group_path}__name__istartswith": self.value})
        return queryset

    def choices(self, changelist):
        """The link back to every group, and (for the form) the rest of the list's query,
        which choosing a group keeps: the search, the other filters, the sort."""
        rest = changelist.get_query_string(remove=[self.parameter_name, "p"])
        self.kept = [
            (name, value) for name, values in QueryDict(rest[1:]).lists() for value in values
        ]
        yield {
            "selected": not self.value,
            "query_string": rest,
            "display": _("All"),
        }


def group_name_filter(path: str) -> type[GroupNameFilter]:
    """The filter for a list whose group is reached through `path`, such as
    "delivery__contact_list__group"."""
    return type("GroupNameFilter", (GroupNameFilter,), {"group_path": path})
