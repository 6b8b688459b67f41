"""The same query built and compiled by peewee and by Django, for the query-construction figure.

Both model a `contacts` table with the columns the vtorm query uses; neither touches a database:
peewee renders with `.sql()`, Django with `query.sql_with_params()` on in-process SQLite settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def peewee_builder() -> Callable[[], object]:
    import peewee

    db = peewee.SqliteDatabase(None)

    class Contact(peewee.Model):
        lastname = peewee.CharField()
        account_id = peewee.IntegerField()
        leadsource = peewee.CharField()
        modifiedtime = peewee.DateTimeField()

        class Meta:
            database = db
            table_name = "contacts"

    def build() -> object:
        query = (
            Contact.select()
            .where(Contact.lastname.startswith("Sm"), Contact.account_id == 42)
            .where(~(Contact.leadsource == "Web"))
            .order_by(Contact.modifiedtime.desc())
            .limit(50)
            .offset(100)
        )
        return query.sql()

    return build


def django_builder() -> Callable[[], object]:
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if not settings.configured:
        settings.configure(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            INSTALLED_APPS=[],
            USE_TZ=True,
        )
        django.setup()
    from django.db import models  # type: ignore[import-untyped]

    class Contact(models.Model):  # type: ignore[misc]
        lastname = models.CharField(max_length=80)
        account_id = models.IntegerField()
        leadsource = models.CharField(max_length=80)
        modifiedtime = models.DateTimeField()

        class Meta:
            app_label = "bench"
            db_table = "contacts"

    manager: Any = Contact.objects

    def build() -> object:
        queryset = (
            manager.filter(lastname__startswith="Sm", account_id=42)
            .exclude(leadsource="Web")
            .order_by("-modifiedtime")[100:150]
        )
        return queryset.query.sql_with_params()

    return build
