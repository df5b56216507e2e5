"""Demo data: a registry of generators that ``manage.py demo_data`` runs in order.

Each app that has demo data adds a ``demo.py`` calling ``register(name, fn, order)``; the command
imports every installed app's ``demo`` module (``autodiscover_modules``, as the admin does), so
this module imports no business app. A generator receives a ``DemoContext``: the seeded random
generator, the size options, the territory and the users made so far, and a place to list the
accounts it creates. Built in here (apps to the left of the business apps): the territory
(order 10, from ``grid.demo``) and one user per role (order 20). ``enterprises.demo`` follows at 30;
later apps take higher numbers.

Demo writes go in bulk (``bulk_create``, or ``bulk_insert`` below for the large tables) and so
bypass django-auditlog's signals: acceptable for demo data, which no one supervised.
"""
from dataclasses import dataclass, field
import datetime
import io
import json
import random
from typing import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import connection
from django.utils.module_loading import autodiscover_modules

from grid.demo import territory_build
from grid.models import Region

from .accounts.models import Role
from .accounts.services import temporary_password, user_create


BULK_BATCH = 5000


@dataclass
class Generator:
    name: str
    fn: Callable
    order: int = 100
    populated: Callable | None = None  # () -> bool: this generator's data is already there


_generators = {}


def register(name, fn, order=100, populated=None):
    """Add (or replace) a generator; ``populated`` tells ``--if-empty`` that its data exists."""
    _generators[name] = Generator(name, fn, order, populated)


def generators():
    autodiscover_modules("demo")
    return sorted(_generators.values(), key=lambda g: (g.order, g.name))


def populated():
    """Names of the generators whose data is already in the database."""
    return [g.name for g in generators() if g.populated is not None and g.populated()]


@dataclass
class Account:
    username: str
    role: str
    bound_to: str
    password: str  # empty when the account already existed and was left alone


@dataclass
class DemoContext:
    rng: random.Random
    seed: int
    enterprises: int
    districts: int
    today: datetime.date
    log: Callable = print
    territory: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # username -> User
    accounts: list = field(default_factory=list)  # Account rows printed at the end
    shared: dict = field(default_factory=dict)  # anything a generator leaves for later ones

    def account_create(self, *, username, role, bound_to="", region=None, grid_cells=(), full_name="",
                       superuser=False):
        """A demo account with a printed password that meets the policy and need not be changed
        (``must_change_password`` off: these are demo accounts). An existing account is left alone."""
        User = get_user_model()
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            self.users[username] = existing
            self.accounts.append(Account(username, str(Role(existing.role).label), bound_to, ""))
            return existing
        password = temporary_password(12)
        validate_password(password)
        user, _password = user_create(username=username, role=role, password=password, region=region,
                                      grid_cells=grid_cells, full_name=full_name)
        user.must_change_password = False
        user.is_superuser = user.is_staff = superuser
        user.save(update_fields=["must_change_password", "is_superuser", "is_staff"])
        self.users[username] = user
        label = f"{Role(role).label} (superuser)" if superuser else str(Role(role).label)
        self.accounts.append(Account(username, label, bound_to, password))
        return user


def run(ctx):
    for generator in generators():
        ctx.log(f"· {generator.name}")
        generator.fn(ctx)
    return ctx


def bulk_insert(model, objs, batch=BULK_BATCH):
    """``bulk_create`` for the large tables, minus the ORM's per-value SQL compilation (most of its
    time here): on PostgreSQL ids reserved from the sequence in one query and the rows sent with
    ``COPY``; elsewhere one multi-row ``INSERT … RETURNING id`` per batch. Through the raw cursor,
    so a DEBUG run does not log megabytes of parameters; the times given are stored (bulk_create
    would put now() into ``auto_now`` fields); JSON fields go as JSON text. Sets each object's ``pk``;
    foreign keys are set by id."""
    if not objs:
        return
    meta, ops = model._meta, connection.ops
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    converters = []
    for f in fields:
        kind = f.get_internal_type()
        converters.append(
            ops.adapt_datetimefield_value if kind == "DateTimeField" else
            ops.adapt_datefield_value if kind == "DateField" else
            (lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)) if kind == "DecimalField"
            else (lambda v: str(v) if v else "") if kind == "FileField"
            else (lambda v, f=f: json.dumps(v, cls=f.encoder, ensure_ascii=False)) if kind == "JSONField" else None)
    pairs = [(f.attname, c) for f, c in zip(fields, converters)]
    table, pk = ops.quote_name(meta.db_table), ops.quote_name(meta.pk.column)
    columns = ",".join(ops.quote_name(f.column) for f in fields)
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        if connection.vendor == "postgresql":
            for start in range(0, len(objs), batch):
                rows = objs[start:start + batch]
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                               [meta.db_table, meta.pk.column, len(rows)])
                lines = []
                for obj, (new_pk,) in zip(rows, cursor.fetchall()):
                    obj.pk = new_pk
                    values = [new_pk] + [c(getattr(obj, a)) if c else getattr(obj, a) for a, c in pairs]
                    lines.append("\t".join(map(_copy_text, values)))
                cursor.copy_expert(f"COPY {table} ({pk},{columns}) FROM STDIN", io.StringIO("\n".join(lines) + "\n"))
        else:
            per = max(1, min(batch, 30000 // len(fields)))
            row = "(" + ",".join(["?"] * len(fields)) + ")"
            for start in range(0, len(objs), per):
                rows, params = objs[start:start + per], []
                for obj in rows:
                    params.extend(c(getattr(obj, a)) if c else getattr(obj, a) for a, c in pairs)
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {','.join([row] * len(rows))} RETURNING {pk}",
                               params)
                for obj, (new_pk,) in zip(rows, cursor.fetchall()):
                    obj.pk = new_pk
    finally:
        cursor.close()
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


# -- built-in generators ------------------------------------------------------------------------
def _territory(ctx):
    ctx.territory = territory_build(rng=ctx.rng, districts=ctx.districts)
    t = ctx.territory
    ctx.log(f"  {len(t['districts'])} districts, {len(t['townships'])} townships, "
            f"{sum(len(v) for v in t['villages'].values())} villages, "
            f"{sum(len(c) for c in t['cells'].values())} grid cells")


def _users(ctx):
    city = ctx.territory["city"]
    wujin = Region.objects.get(code="320412")
    hutang = Region.objects.get(parent=wujin, name="湖塘镇")
    hutang_cells = [cell for village in ctx.territory["villages"].get(hutang.pk, [])
                    for cell in ctx.territory["cells"].get(village.pk, [])][:2]
    ctx.account_create(username="bureau", role=Role.BUREAU_STAFF, region=wujin, bound_to=wujin.name,
                       full_name="王建国")
    ctx.account_create(username="city", role=Role.BUREAU_STAFF, region=city, bound_to=city.name,
                       full_name="陈志明")
    ctx.account_create(username="hutang", role=Role.TOWNSHIP_INSPECTOR, region=hutang, bound_to=hutang.name,
                       full_name="周晓东")
    ctx.account_create(username="grid", role=Role.GRID_MEMBER, grid_cells=hutang_cells,
                       bound_to="、".join(c.name for c in hutang_cells), full_name="李秀英")
    ctx.account_create(username="auditor", role=Role.AUDITOR, full_name="赵敏")
    ctx.account_create(username="admin", role=Role.ADMIN, full_name="孙立")
    ctx.account_create(username="root", role=Role.ADMIN, superuser=True, full_name="系统管理员")


register("territory", _territory, order=10)
register("users", _users, order=20)
