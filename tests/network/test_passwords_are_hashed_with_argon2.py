"""Staff passwords are hashed with Argon2. A password hashed before (with Django's earlier
default, PBKDF2) still signs in, and is hashed again with Argon2 on the way. The tests
themselves hash with MD5 for speed (settings/test.py); these use the real list."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from settings import base as base_settings


@pytest.fixture(autouse=True)
def real_hashers(settings):
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS


def test_a_new_password_is_hashed_with_argon2(django_user_model):
    user = django_user_model.objects.create_user("sara", password="a long pass phrase")

    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a long pass phrase")


def test_an_older_hash_still_signs_in_and_is_rehashed_with_argon2(django_user_model):
    older = make_password("a long pass phrase", hasher="pbkdf2_sha256")
    user = django_user_model.objects.create(username="sara", password=older)

    assert not user.check_password("a wrong pass phrase")
    assert user.check_password("a long pass phrase")

    user.refresh_from_db()
    assert user.password.startswith("argon2$")
