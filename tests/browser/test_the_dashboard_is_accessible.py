"""The staff dashboard in a real browser: no WCAG 2.2 AA violation that axe-core finds, on
a wide screen and at 320 px, and nothing on it scrolls the page sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from diagnoses.models import Diagnosis
from diagnoses.services import save_diagnosis

from ..seeding import seed_group
from .axe import axe_violations
from .conftest import signed_in_context

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_dashboard_has_no_violation_at_any_width(
    browser, live_server, secretariat, language, settings
):
    settings.LANGUAGE_CODE = language
    seed_group(save_diagnosis(Diagnosis(orpha_code=558, name="Marfan syndrome"), []), 16)
    context = signed_in_context(browser, live_server, secretariat, locale=language)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found = []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{reverse('admin:overview_dashboard_changelist')}")
        assert page.locator("html").get_attribute("lang") == language
        found += axe_violations(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px"
    context.close()

    assert found == []
