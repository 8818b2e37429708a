"""The tokens of emailed links (confirming an email address, answering a question, signing
in) stay out of the request logs: Django's, runserver's and gunicorn's write [token]."""

from __future__ import annotations

import logging

import pytest
from django.core import signing
from django.urls import reverse

from network.logfilters import MASK, REQUEST_LOGGERS, MaskLinkTokens, mask_tokens

TOKEN = signing.dumps("S2yq1mW0b3VxJ0Yb7d1-random-link-token", salt="members.application.confirm")


def test_a_refused_link_is_logged_without_its_token(client, db, caplog):
    path = reverse("members:confirm", args=[TOKEN])

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(path)

    assert response.status_code == 400
    logged = caplog.text
    assert "Bad Request: /apply/confirm/[token]/" in logged
    assert TOKEN not in logged
    assert TOKEN.split(":")[-1] not in logged


@pytest.mark.parametrize("name", REQUEST_LOGGERS)
def test_each_request_logger_masks_tokens(name):
    assert any(isinstance(f, MaskLinkTokens) for f in logging.getLogger(name).filters)


def test_a_request_line_as_runserver_and_gunicorn_write_it_is_masked():
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(r)s" %(s)s "%(f)s"',
        (
            {
                "h": "192.0.2.1",
                "r": f"GET /sv/apply/answer/{TOKEN}/ HTTP/1.1",
                "s": "200",
                "f": f"https://network.example/apply/confirm/{TOKEN}/",
            },
        ),
        None,
    )

    assert MaskLinkTokens().filter(record)

    assert record.getMessage() == (
        '192.0.2.1 "GET /sv/apply/answer/[token]/ HTTP/1.1" 200 '
        '"https://network.example/apply/confirm/[token]/"'
    )


@pytest.mark.parametrize(
    "kept",
    [
        "GET /apply/ HTTP/1.1",
        "GET /admin/members/application/12/change/ HTTP/1.1",
        "[12/Mar/2025:10:00:00 +0000]",
        "2001:db8::1",
        "GET /static/css/network.css HTTP/1.1",
    ],
)
def test_what_is_not_a_token_is_written_as_it_is(kept):
    assert mask_tokens(kept) == kept


def test_a_timestamped_token_of_any_salt_is_masked():
    signed = signing.TimestampSigner(salt="selfservice.sign-in").sign("MTI")

    assert mask_tokens(f"/sign-in/{signed}/") == f"/sign-in/{MASK}/"
