"""The database tables (SQLAlchemy Core). Migrations in ``migrations/`` create exactly these.

Conventions: ``*_pence`` columns are BIGINT integer pence; ``financial_year`` is the year the
financial year starts (2026 means 2026/27); business dates are DATE; moments are UTC
timestamps. Each closed set of values has a CHECK constraint listing it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from reclaim.calendar import Country, InstalmentDay
from reclaim.domain.accounts import AccountKind, PaymentMethod
from reclaim.domain.councils import YearOrder
from reclaim.domain.ledger import PostingKind
from reclaim.domain.letters.content import DocumentStatus, Postage, Style
from reclaim.domain.liability import CircumstanceKind
from reclaim.domain.parties import PartyKind
from reclaim.domain.payments import PaymentStatus
from reclaim.domain.properties import Band
from reclaim.domain.recovery.engine import Action
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)
from reclaim.domain.schedules import ScheduleKind

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def one_of(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    """CHECK that a column holds one of a closed set of values.

    Written as ``x = 'a' OR x = 'b' …`` rather than ``x IN ('a', 'b' …)``: SQLite rebuilds an
    IN list for every row of a bulk insert, which made the check cost more than the insert.
    """
    either = " OR ".join(f"{column} = '{value}'" for value in values)
    return CheckConstraint(either, name=name or column)


Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER PRIMARY KEY

imports = Table(
    "imports",
    metadata,
    Column("id", Id, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "sha256"),
    one_of("kind", ("accounts", "payments")),
)

councils = Table(
    "councils",
    metadata,
    Column("id", Id, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("country", String(10), nullable=False),
    Column("allocation_within", String(20), nullable=False),
    Column("allocation_priority", Text, nullable=False),
    one_of("country", Country),
    one_of("allocation_within", YearOrder),
)

# What a council sets for each financial year (LGFA 1992 s 30): its Band D, the default day
# instalments fall due for those who do not pay by Direct Debit, and its parishes' precepts.
council_years = Table(
    "council_years",
    metadata,
    Column("council_id", ForeignKey("councils.id"), primary_key=True),
    Column("financial_year", Integer, primary_key=True),
    Column("band_d_pence", BigInteger, nullable=False),
    Column("default_instalment_day", String(4), nullable=False),
    one_of("default_instalment_day", InstalmentDay),
    CheckConstraint("band_d_pence > 0", name="band_d_positive"),
)

parish_precepts = Table(
    "parish_precepts",
    metadata,
    Column("council_id", ForeignKey("councils.id"), primary_key=True),
    Column("financial_year", Integer, primary_key=True),
    Column("parish", String(80), primary_key=True),
    Column("band_d_pence", BigInteger, nullable=False),
    CheckConstraint("band_d_pence >= 0", name="not_negative"),
)

parties = Table(
    "parties",
    metadata,
    Column("id", Id, primary_key=True),
    Column("council_id", ForeignKey("councils.id"), nullable=False),
    Column("reference", String(40), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("name", Text, nullable=False),
    Column("date_of_birth", Date),
    Column("died_on", Date),
    UniqueConstraint("reference", "council_id"),  # also finds a customer by reference alone
    one_of("kind", PartyKind),
)

properties = Table(
    "properties",
    metadata,
    Column("id", Id, primary_key=True),
    Column("council_id", ForeignKey("councils.id"), nullable=False),
    Column("address", Text, nullable=False),
    Column("postcode", String(8), nullable=False),
    Column("uprn", String(12)),
    Column("band", String(10)),
    Column("rateable_value_pence", BigInteger),
    Column("parish", String(80)),  # the parish whose precept the dwelling pays, if any
    one_of("band", Band),
    Index(None, "council_id", "uprn"),
    Index(None, "postcode"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("council_id", ForeignKey("councils.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("reference", String(40), nullable=False),
    Column("property_id", ForeignKey("properties.id")),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("payment_method", String(20), nullable=False),
    Column("instalment_day", String(4)),
    Column("instalments", Integer),
    Column("description", Text, nullable=False, server_default=""),
    Column("import_id", ForeignKey("imports.id")),
    UniqueConstraint("reference", "council_id"),  # also finds an account by reference alone
    one_of("kind", AccountKind),
    one_of("payment_method", PaymentMethod),
    one_of("instalment_day", InstalmentDay),
)

# What changes every time money moves on an account, kept apart from the account's details so
# that a batch touching many accounts rewrites a narrow table, not every account row.
account_balances = Table(
    "account_balances",
    metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True, autoincrement=False),
    # The sum of the account's postings, kept so that lists and runs need not add up the
    # ledger; ``reclaim check`` proves it equal to the postings.
    Column("balance_pence", BigInteger, nullable=False),
    # Counts the changes made to the account; a change made from an older version is refused.
    Column("version", Integer, nullable=False),
)

account_parties = Table(
    "account_parties",
    metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True),
    Column("party_id", ForeignKey("parties.id"), primary_key=True),
    # A customer's accounts in order, from the index alone (migration 0009).
    Index(None, "party_id", "account_id"),
    sqlite_with_rowid=False,
)

payments = Table(
    "payments",
    metadata,
    Column("id", Id, primary_key=True),
    Column("council_id", ForeignKey("councils.id")),
    Column("payment_date", Date, nullable=False),
    Column("reference", String(40), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("external_id", String(80), nullable=False),
    Column("status", String(20), nullable=False),
    Column("import_id", ForeignKey("imports.id")),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("channel", "external_id"),
    one_of("channel", PaymentMethod),
    one_of("status", PaymentStatus),
    CheckConstraint("amount_pence > 0", name="positive"),
    Index(
        "ix_payments_in_suspense",
        "status",
        sqlite_where=text("status = 'suspense'"),
        postgresql_where=text("status = 'suspense'"),
    ),
)

# A payment's postings are its allocation: each says which account and financial year got how
# much of the payment, and why (the rule that sent it there).
postings = Table(
    "postings",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("financial_year", Integer, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("posted_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("reverses_id", ForeignKey("postings.id")),
    Column("payment_id", ForeignKey("payments.id")),
    Column("content_hash", String(64), nullable=False),
    one_of("kind", PostingKind),
    CheckConstraint("amount_pence <> 0", name="not_zero"),
    CheckConstraint(
        "(kind = 'payment') = (payment_id IS NOT NULL) OR kind = 'reversal'", name="payment_link"
    ),
    # Account first, for every lookup of an account's postings; the rest so that what each
    # year was paid by a date (the recovery run's ``open_years``) is read from the index alone,
    # in order, without touching the table or sorting.
    Index(None, "account_id", "financial_year", "kind", "effective_date", "amount_pence"),
    # A posting is reversed at most once. Partial indexes keep the many NULLs out of them.
    Index(
        None,
        "reverses_id",
        unique=True,
        sqlite_where=text("reverses_id IS NOT NULL"),
        postgresql_where=text("reverses_id IS NOT NULL"),
    ),
    Index(
        None,
        "payment_id",
        sqlite_where=text("payment_id IS NOT NULL"),
        postgresql_where=text("payment_id IS NOT NULL"),
    ),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("total_pence", BigInteger, nullable=False),
    Column("charge_posting_id", ForeignKey("postings.id")),
    Column("reason", Text, nullable=False),
    Column("created_on", Date, nullable=False),
    Column("superseded_by", ForeignKey("schedules.id")),
    one_of("kind", ScheduleKind),
    Index(None, "account_id"),
)

instalments = Table(
    "instalments",
    metadata,
    Column("schedule_id", ForeignKey("schedules.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
)

# Billing ----------------------------------------------------------------------------------

# Dated facts about a liability that change its charge (discounts, exemptions, reliefs, empty
# property). A fact that ends gets its end date; the bills made meanwhile keep what they used.
circumstances = Table(
    "circumstances",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("detail", String(10)),  # an exemption's class
    Column("amount_pence", BigInteger),  # Council Tax Reduction awarded for a whole year
    Column("recorded_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    one_of("kind", CircumstanceKind),
    CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    Index(None, "account_id"),
)

# A band or rateable value in force from a date, when the Valuation Office changes it after
# the property was first known (the property's own band and value hold until the first one).
valuations = Table(
    "valuations",
    metadata,
    Column("id", Id, primary_key=True),
    Column("property_id", ForeignKey("properties.id"), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("band", String(10)),
    Column("rateable_value_pence", BigInteger),
    Column("recorded_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    one_of("band", Band),
    CheckConstraint("band IS NOT NULL OR rateable_value_pence IS NOT NULL", name="says_what"),
    Index(None, "property_id"),
)

# The instalments a bill sets. A plan is a value -- these dates, these amounts -- so every
# bill with the same instalments shares one plan (a council's million bills have a few
# thousand plans), found again by its fingerprint.
instalment_plans = Table(
    "instalment_plans",
    metadata,
    Column("id", Id, primary_key=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
)

plan_instalments = Table(
    "plan_instalments",
    metadata,
    Column("plan_id", ForeignKey("instalment_plans.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("due_date", Date, nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

# A demand notice for a year: its lines (JSON: description and pence), the charge they add up
# to, the instalments it sets and the ledger posting that charged (or adjusted) the account.
# A later bill for the same account and year supersedes it; none is changed or deleted.
bills = Table(
    "bills",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("financial_year", Integer, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("charge_pence", BigInteger, nullable=False),
    Column("lines", Text, nullable=False),
    Column("plan_id", ForeignKey("instalment_plans.id")),
    Column("posting_id", ForeignKey("postings.id")),
    Column("supersedes_id", ForeignKey("bills.id")),
    Column("reason", Text, nullable=False),
    CheckConstraint("charge_pence >= 0", name="not_negative"),
    CheckConstraint("(plan_id IS NULL) = (charge_pence = 0)", name="plan_when_charged"),
    Index(None, "account_id", "financial_year"),
    Index(
        None,
        "supersedes_id",
        unique=True,  # a bill is superseded at most once: the history is a line, not a tree
        sqlite_where=text("supersedes_id IS NOT NULL"),
        postgresql_where=text("supersedes_id IS NOT NULL"),
    ),
)

# The recovery strategy a council set for a kind of debt from a year: the file's text as it
# was loaded (so every step can be traced to the rules that took it). The newest row wins.
council_strategies = Table(
    "council_strategies",
    metadata,
    Column("id", Id, primary_key=True),
    Column("council_id", ForeignKey("councils.id"), nullable=False),
    Column("debt", String(30), nullable=False),
    Column("from_year", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("set_on", Date, nullable=False),
    one_of("debt", AccountKind),
    Index(None, "council_id", "debt", "from_year"),
)

# Each recovery step taken for an account's financial year, with the reason it was taken.
recovery_events = Table(
    "recovery_events",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("financial_year", Integer, nullable=False),
    Column("event_date", Date, nullable=False),
    Column("action", String(20), nullable=False),
    Column("stage", String(40), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("pay_by", Date),
    Column("demanded_through", Date),
    Column("falls_due", Date),
    Column("hearing_on", Date),
    Column("costs_pence", BigInteger, nullable=False, server_default="0"),
    Column("strategy", Text, nullable=False),
    Column("reason", Text, nullable=False),
    one_of("action", Action),
    Index(None, "account_id", "financial_year"),
)

# When the recovery run last looked at an account's year that has a recovery history, and the
# day it found something may next fall due (its "wake"), with what it saw then: the account's
# ledger version, its last recovery event and the strategy. Until that day, while none of
# these changes, the run knows the answer without asking the engine again. A note the run
# keeps for itself, not a record: it may be deleted at any time, and the run then looks again.
recovery_watch = Table(
    "recovery_watch",
    metadata,
    Column("account_id", ForeignKey("accounts.id"), primary_key=True, autoincrement=False),
    Column("financial_year", Integer, primary_key=True, autoincrement=False),
    Column("wake_on", Date),  # none: nothing falls due unless something changes
    Column("ledger_version", Integer, nullable=False),
    Column("last_event_id", BigInteger, nullable=False),
    Column("strategy", Text, nullable=False),
    Column("checked_on", Date, nullable=False),
)

# The recovery run's bookmark: where the council's last run left off, so that the next run,
# later in the same financial year, reads only what may have changed since (SQLite, whose ids
# follow the order of the commits): the highest posting, bill and recovery event ids it had
# seen, the council's strategies then, the latest date any of those postings takes effect
# (none: not worked out yet) and how many account-years had a bill in force. A note the run
# keeps for itself, like its watch: it may be deleted at any time, and the run then reads
# everything.
recovery_bookmarks = Table(
    "recovery_bookmarks",
    metadata,
    Column("council_id", ForeignKey("councils.id"), primary_key=True, autoincrement=False),
    Column("as_of", Date, nullable=False),
    Column("financial_year", Integer, nullable=False),
    Column("postings_to", BigInteger, nullable=False),
    Column("bills_to", BigInteger, nullable=False),
    Column("events_to", BigInteger, nullable=False),
    Column("strategies", String(64), nullable=False),  # their fingerprint
    Column("effective_to", Date),
    Column("in_force", BigInteger, nullable=False),  # its account-years with a bill in force
)

# The years that run found open with no step yet taken (in arrears, or with someone
# protected or costs), and the first day a notice may be due for each.
recovery_bookmark_years = Table(
    "recovery_bookmark_years",
    metadata,
    Column("council_id", ForeignKey("councils.id"), primary_key=True, autoincrement=False),
    Column("account_id", ForeignKey("accounts.id"), primary_key=True, autoincrement=False),
    Column("financial_year", Integer, primary_key=True, autoincrement=False),
    Column("wake_on", Date, nullable=False),
    sqlite_with_rowid=False,
)

# Documents: one per step, bill, hold or Breathing Space that sends a letter. Queued first;
# produced (rendered, its PDF stored in ``document_files``) with its template, version and
# content hash; sent once it is in a print batch; cancelled, with the reason, when what it
# would say stopped being true before it was printed (paid the same day).
documents = Table(
    "documents",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("event_id", ForeignKey("recovery_events.id")),
    Column("bill_id", ForeignKey("bills.id")),
    Column("hold_id", ForeignKey("holds.id")),
    Column("breathing_space_id", ForeignKey("breathing_spaces.id")),
    Column("letter", String(60), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_on", Date, nullable=False),
    Column("template_version", Integer),
    Column("style", String(20)),
    Column("postage", String(10)),
    Column("pages", Integer),
    Column("content_hash", String(64)),
    Column("produced_on", Date),
    Column("batch_id", ForeignKey("print_batches.id")),
    Column("cancelled_reason", Text),
    one_of("status", DocumentStatus),
    one_of("style", Style),
    one_of("postage", Postage),
    CheckConstraint(
        "(CASE WHEN event_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN bill_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN hold_id IS NULL THEN 0 ELSE 1 END)"
        " + (CASE WHEN breathing_space_id IS NULL THEN 0 ELSE 1 END) = 1",
        name="about_one_thing",
    ),
    CheckConstraint(
        "status = 'queued' OR status = 'cancelled' OR content_hash IS NOT NULL",
        name="produced_has_hash",
    ),
    Index(None, "status"),
    Index(None, "account_id"),
    # Queuing a bill's, hold's or Breathing Space's letter twice is impossible.
    Index(
        None,
        "bill_id",
        unique=True,
        sqlite_where=text("bill_id IS NOT NULL"),
        postgresql_where=text("bill_id IS NOT NULL"),
    ),
    Index(
        None,
        "hold_id",
        unique=True,
        sqlite_where=text("hold_id IS NOT NULL"),
        postgresql_where=text("hold_id IS NOT NULL"),
    ),
    Index(
        None,
        "breathing_space_id",
        "account_id",
        unique=True,
        sqlite_where=text("breathing_space_id IS NOT NULL"),
        postgresql_where=text("breathing_space_id IS NOT NULL"),
    ),
)

# The embedded fonts' PDF objects, stored once under their SHA-256: every letter uses them.
letter_fonts = Table(
    "letter_fonts",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("objects", LargeBinary, nullable=False),
)

# What a produced document's PDF is made of: its compressed page streams (packed) and the
# font set they use. The PDF is assembled from these, byte for byte as first rendered (the
# document's content hash proves it), so a reprint is exact. Kept in the database beside the
# record, so a document and its pages are written in one transaction, backed up together and
# cannot drift apart; the fonts (about 45 KB of each PDF) are stored once, not per letter, so
# a letter costs 2-4 KB; and in a table of its own, so lists of documents never read bytes.
document_files = Table(
    "document_files",
    metadata,
    Column("document_id", ForeignKey("documents.id"), primary_key=True, autoincrement=False),
    Column("font_set", ForeignKey("letter_fonts.sha256"), nullable=False),
    Column("pages", LargeBinary, nullable=False),
)

# One print-ready PDF per council, day and postage class, with its manifest. Made once.
print_batches = Table(
    "print_batches",
    metadata,
    Column("id", Id, primary_key=True),
    Column("council_id", ForeignKey("councils.id"), nullable=False),
    Column("print_date", Date, nullable=False),
    Column("postage", String(10), nullable=False),
    Column("documents", Integer, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("pdf_file", Text, nullable=False),
    Column("manifest_file", Text, nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("made_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("council_id", "print_date", "postage"),
    one_of("postage", Postage),
)

# A council's letterhead: how its letters look and how they tell people to pay and get in
# touch. Lines are stored one per line of text.
letterheads = Table(
    "letterheads",
    metadata,
    Column("council_id", ForeignKey("councils.id"), primary_key=True, autoincrement=False),
    Column("council_name", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("website", Text, nullable=False),
    Column("how_to_pay", Text, nullable=False),
    Column("opening_hours", Text, nullable=False, server_default=""),
    Column("logo_text", Text, nullable=False, server_default=""),
    Column("set_on", Date, nullable=False),
)

# A person's wish for large print (recorded by an officer).
letter_preferences = Table(
    "letter_preferences",
    metadata,
    Column("party_id", ForeignKey("parties.id"), primary_key=True, autoincrement=False),
    Column("style", String(20), nullable=False),
    Column("recorded_on", Date, nullable=False),
    one_of("style", Style),
)

# A hold stops every recovery step on an account while it lasts; it always has a review date.
holds = Table(
    "holds",
    metadata,
    Column("id", Id, primary_key=True),
    Column("account_id", ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_on", Date, nullable=False),
    Column("review_by", Date, nullable=False),
    Column("until", Date),
    Column("released_on", Date),
    Column("released_reason", Text),
    Column("reviewed_on", Date),
    one_of("kind", HoldKind),
    Index(None, "account_id"),
)

# Debt Respite Scheme moratoria of a person (SI 2020/1311).
breathing_spaces = Table(
    "breathing_spaces",
    metadata,
    Column("id", Id, primary_key=True),
    Column("party_id", ForeignKey("parties.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),  # None while a mental health crisis moratorium runs
    Column("recorded_on", Date, nullable=False),
    Column("reason", Text, nullable=False),
    one_of("kind", BreathingSpaceKind),
    Index(None, "party_id"),
)

# A person recorded as vulnerable (seed 004 section 6), with the date to look at it again.
vulnerabilities = Table(
    "vulnerabilities",
    metadata,
    Column("id", Id, primary_key=True),
    Column("party_id", ForeignKey("parties.id"), nullable=False),
    Column("category", String(40), nullable=False),
    Column("review_by", Date, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("ended_on", Date),
    Column("reason", Text, nullable=False),
    one_of("category", VulnerabilityCategory),
    Index(None, "party_id"),
)

# Tables whose rows are never changed or deleted once written (enforced by trigger).
APPEND_ONLY = (
    "postings",
    "instalments",
    "bills",
    "instalment_plans",
    "plan_instalments",
    "recovery_events",
    "council_strategies",
)

# The officer web app's tables (users, sessions, notes, the audit log) live beside these, on
# the same metadata; importing them here means every user of ``metadata`` sees them.
from reclaim.store import access_tables as _access_tables  # noqa: E402

_: object = _access_tables
