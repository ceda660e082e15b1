"""Stands in for the staff accounts feature (issue 13, not on main yet): a reader named by a
cookie, `name:role` (tests only; never installed in a site outside the tests)."""

from __future__ import annotations

from statpub.dashboards.hooks import hookimpl
from statpub.warehouse.gate import Reader

STAFF_COOKIE = "test_staff"


class StandInIdentity:
    @hookimpl
    def reader_from_request(self, request, services):
        value = request.cookies.get(STAFF_COOKIE)
        if not value:
            return None
        name, _, role = value.partition(":")
        return Reader(name, role)

    @hookimpl
    def session_cookies(self):
        return [STAFF_COOKIE]
