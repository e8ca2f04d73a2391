"""API token authentication (DRF's `Authorization: Token <key>`), read in one prepared statement.

Every API request authenticates first; under an FCFS surge DRF's ORM lookup (token joined to its
user) cost more to compile than to run. Same answers and messages as DRF's TokenAuthentication;
elsewhere than on PostgreSQL it is DRF's own.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from opske.rawrows import Columns, execute_prepared


@functools.cache
def _token_user() -> tuple[str, Columns, Columns]:
    user_model = get_user_model()
    token, user = Columns(Token, "t"), Columns(user_model, "u")
    sql = (  # table names from the models; the key is a parameter
        f"SELECT {token.sql}, {user.sql} FROM {Token._meta.db_table} t "  # noqa: S608
        f"JOIN {user_model._meta.db_table} u ON u.id = t.user_id WHERE t.key = $1"
    )
    return sql, token, user


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if connection.vendor != "postgresql":
            return super().authenticate_credentials(key)
        sql, token_columns, user_columns = _token_user()
        with connection.cursor() as cursor:
            execute_prepared(cursor, "opske_token_user", sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = token_columns.build(row)
        user = user_columns.build(row, token_columns.width)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        return user, token
