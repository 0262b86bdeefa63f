"""A recovery strategy: a council's timetable for one kind of debt, as data.

A strategy is a list of **stages** in the order the council prefers them, and a few
**settings**. On any date the engine takes the first stage whose conditions hold (see
``engine.py``), so a council varies its timetable by editing data, never code:

* ``on`` names the situation a stage answers, from a closed vocabulary the engine knows
  (``CONDITIONS``): an instalment missed while the others still stand, every instalment due
  and unpaid, the year's balance due with or without a notice stating it, a summons served, a
  liability order granted.
* ``wait`` is how long after that situation arose the stage may be taken ("7 days",
  "15 working days"); ``after_last_notice`` is the least time since the last notice.
* ``limit_per_year``, ``for`` (``aged_65_or_over``) and ``after_paying`` (only once a notice of
  that stage was paid) narrow who gets it.
* A notice ``demands`` either the ``arrears`` (unpaid instalments and those due within its pay
  period) or the ``balance`` of the year, gives ``pay_within`` to pay, and says what follows
  ``if_unpaid``: ``balance_due`` (the right to instalments is lost ``balance_due_after`` the
  pay period ends) or ``continue`` (the next stage follows in its turn).
* ``next_missed_makes_balance_due`` on a notice is reg 23(4): once a notice of that stage is
  paid, the next late instalment makes the year's balance due, with no reminder, the day after
  (or ``next_missed_balance_due_after`` the failure: 7 days for business rates, reg 8(2)).
* Court stages carry ``costs``; a stage may need an officer's ``approval`` (a role).

Every stage names its letter and its legal basis, so each step the engine takes can say what
it sent and why. ``load_strategy`` refuses a file with every problem in it, each naming the
file, the line and the field: invalid TOML, unknown sections and keys, unknown stages or
conditions, negative waits, a notice without ``pay_within``, a stage named twice, stages that
can never be reached, ``after_paying`` loops, a stage with no letter, and for Wales committal
(abolished, WSI 2019/220) or court costs over £70.

The format is built to carry the later timetables (sundry debts, overpayments, rent, the
routes after a liability order): those need new ``on`` words and stage kinds, not a new engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from reclaim.calendar import Country, FinancialYear, WorkingDays
from reclaim.domain.accounts import AccountKind
from reclaim.domain.errors import InputRefused, Problem
from reclaim.money import Money, MoneyError

_E = TypeVar("_E", bound=StrEnum)


class StageKind(StrEnum):
    NOTICE = "notice"  # a letter demanding payment, taken by the recovery run
    COURT = "court"  # summons and liability order, taken by the court commands
    ENFORCEMENT = "enforcement"  # a route after a liability order


class Condition(StrEnum):
    """The situations a stage can answer (``on``)."""

    MISSED_INSTALMENT = "missed_instalment"  # an instalment unpaid, later ones still to come
    ALL_INSTALMENTS_DUE = "all_instalments_due"  # every instalment has fallen due, some unpaid
    BALANCE_DUE_UNSTATED = "balance_due_unstated"  # balance due, no notice has stated it
    BALANCE_DUE = "balance_due"  # balance due after a notice that stated it went unpaid
    SUMMONS_SERVED = "summons_served"  # a summons is out; the order may follow the hearing
    LIABILITY_ORDER = "liability_order"  # an order was granted and the sum is unpaid


class Demand(StrEnum):
    ARREARS = "arrears"  # unpaid instalments and those falling due within the pay period
    BALANCE = "balance"  # the whole unpaid balance of the year


class IfUnpaid(StrEnum):
    BALANCE_DUE = "balance_due"
    CONTINUE = "continue"


class Eligibility(StrEnum):
    AGED_65_OR_OVER = "aged_65_or_over"


class Role(StrEnum):
    OFFICER = "officer"
    TEAM_LEADER = "team_leader"
    MANAGER = "manager"


class Vulnerability(StrEnum):
    """What a vulnerability flag changes."""

    REVIEW = "review"  # no court or enforcement step without an officer's review
    PROCEED = "proceed"  # the timetable runs as for anyone else


ZERO = Money(0)
_WAIT = re.compile(r"^\s*(-?\d+)\s+(working\s+)?days?\s*$")


@dataclass(frozen=True, slots=True)
class Wait:
    """A period such as "7 days" (calendar days) or "15 working days"."""

    days: int
    working: bool = False

    @classmethod
    def parse(cls, text: str) -> Wait:
        match = _WAIT.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a period: write it as '7 days' or '15 working days'")
        days = int(match.group(1))
        if days < 0:
            raise ValueError(f"{text!r} is a negative wait; a wait is 0 days or more")
        return cls(days, working=match.group(2) is not None)

    def after(self, day: date, country: Country) -> date:
        if self.working:
            return _working_days(country).add(day, self.days)
        return day + timedelta(days=self.days)

    def __str__(self) -> str:
        unit = "working day" if self.working else "day"
        return f"{self.days} {unit}{'' if self.days == 1 else 's'}"


NO_WAIT = Wait(0)
ONE_DAY_WAIT = Wait(1)

_WORKING_DAYS: dict[Country, WorkingDays] = {}


def _working_days(country: Country) -> WorkingDays:
    if country not in _WORKING_DAYS:
        _WORKING_DAYS[country] = WorkingDays(country)
    return _WORKING_DAYS[country]


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    title: str
    letter: str
    kind: StageKind
    on: tuple[Condition, ...]
    legal_basis: str
    wait: Wait = NO_WAIT
    after_last_notice: Wait | None = None
    limit_per_year: int | None = None
    eligibility: Eligibility | None = None
    after_paying: str | None = None
    demands: Demand = Demand.ARREARS
    pay_within: Wait | None = None
    if_unpaid: IfUnpaid = IfUnpaid.CONTINUE
    balance_due_after: Wait = NO_WAIT
    next_missed_makes_balance_due: bool = False
    next_missed_balance_due_after: Wait = ONE_DAY_WAIT
    costs: Money = ZERO
    minimum_balance: Money = ZERO
    approval: Role | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    service_days: int = 2  # working days for a posted summons to be served
    limitation_years: int = 6  # reg 34(3): no application 6 years after the sum fell due
    vulnerability: Vulnerability = Vulnerability.REVIEW


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    debt: AccountKind
    country: Country
    from_year: FinancialYear
    source: str
    stages: tuple[Stage, ...]
    settings: Settings = field(default_factory=Settings)
    council: str | None = None  # None: the default for every council of the country

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(f"strategy {self.name!r} has no stage {name!r}")

    def has_stage(self, name: str) -> bool:
        return any(stage.name == name for stage in self.stages)

    def court_stage(self, condition: Condition) -> Stage | None:
        return next(
            (s for s in self.stages if s.kind is StageKind.COURT and condition in s.on), None
        )


# ---- reading and validating ----------------------------------------------------------------

_STRATEGY_KEYS = {"name", "debt", "country", "from_year", "source", "council"}
_SETTINGS_KEYS = {"service_days", "limitation_years", "vulnerability"}
_STAGE_KEYS = {
    "name",
    "title",
    "letter",
    "kind",
    "on",
    "legal_basis",
    "wait",
    "after_last_notice",
    "limit_per_year",
    "for",
    "after_paying",
    "demands",
    "pay_within",
    "if_unpaid",
    "balance_due_after",
    "next_missed_makes_balance_due",
    "next_missed_balance_due_after",
    "costs",
    "minimum_balance",
    "approval",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
WELSH_COSTS_CAP = Money.parse("70.00")  # research/statutory-rules.md §1.2: LO costs capped in Wales


_COMMENT = re.compile(r"\s+#.*$")
_TOML_LINE = re.compile(r"at line (\d+)")


class _Lines:
    """Where things are in the TOML text, so that problems can name a line."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.stage_starts = [
            n for n, line in enumerate(self.lines, 1) if self._header(line) == "[[stage]]"
        ]

    @staticmethod
    def _header(line: str) -> str:
        """A table header without its spaces or comment ("[[stage]]  # notices" is one)."""
        return _COMMENT.sub("", line.strip()).replace(" ", "")

    def section(self, header: str) -> int | None:
        for n, line in enumerate(self.lines, 1):
            if self._header(line) == header:
                return n
        return None

    def key(self, key: str, *, stage: int | None = None, section: str | None = None) -> int | None:
        """The line of ``key = …`` in stage ``stage`` (0-based) or in ``[section]``."""
        if stage is not None and stage < len(self.stage_starts):
            start = self.stage_starts[stage]
        elif section is not None:
            start = self.section(f"[{section}]") or 0
        else:
            start = 0
        for n in range(start + 1, len(self.lines) + 1):
            line = self.lines[n - 1].strip()
            if line.startswith("["):
                break
            if re.match(rf"^{re.escape(key)}\s*=", line):
                return n
        return start or None


def load_strategy(text: str, file: str) -> Strategy:
    """Read a strategy from its TOML text; refused with every problem (file, line, field)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.14 gives the line as lineno; before it, only the message says it.
        line = getattr(error, "lineno", None)
        if line is None and (found := _TOML_LINE.search(str(error))):
            line = int(found.group(1))
        raise InputRefused(
            [Problem(f"not valid TOML: {error}", file=file, line=line)],
            f"{file} is not a valid strategy file",
        ) from None
    reader = _Reader(data, _Lines(text), file)
    strategy = reader.strategy()
    if reader.problems:
        raise InputRefused(
            reader.problems, f"{file} is not a valid strategy: {len(reader.problems)} problem(s)"
        )
    assert strategy is not None
    return strategy


class _Reader:
    def __init__(self, data: Mapping[str, Any], lines: _Lines, file: str) -> None:
        self.data = data
        self.lines = lines
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, message: str, line: int | None, field: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, field=field))

    def strategy(self) -> Strategy | None:
        for key in self.data:
            if key not in {"strategy", "settings", "stage"}:
                self.problem(f"unknown section [{key}]", self.lines.section(f"[{key}]"))
        head = self.data.get("strategy")
        if not isinstance(head, dict):
            self.problem("the file needs a [strategy] section with name, debt, country", 1)
            return None
        line = self.lines.section("[strategy]")
        for key in head:
            if key not in _STRATEGY_KEYS:
                self.problem(f"unknown key {key!r}", self.lines.key(key, section="strategy"), key)
        name = self.text(head, "name", line, section="strategy")
        debt = self.choice(head, "debt", AccountKind, line, section="strategy")
        country = self.choice(head, "country", Country, line, section="strategy")
        source = self.text(head, "source", line, section="strategy")
        from_year: FinancialYear | None = None
        try:
            from_year = FinancialYear.parse(str(head.get("from_year", "")))
        except ValueError:
            self.problem(
                'from_year must be a financial year such as "2026/27"',
                self.lines.key("from_year", section="strategy") or line,
                "from_year",
            )
        settings = self.settings()
        raw_stages = self.data.get("stage", [])
        if not isinstance(raw_stages, list) or not raw_stages:
            self.problem("the strategy has no [[stage]]", line)
            raw_stages = []
        stages = [self.stage(n, raw) for n, raw in enumerate(raw_stages)]
        good = [s for s in stages if s is not None]
        if len(good) == len(stages) and name and debt and country:
            self.check_whole(good, country)
        if self.problems or not (name and debt and country and from_year and source):
            return None
        council = head.get("council")
        return Strategy(
            name=name,
            debt=debt,
            country=country,
            from_year=from_year,
            source=source,
            stages=tuple(good),
            settings=settings,
            council=str(council) if council else None,
        )

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        line: int | None,
        *,
        section: str | None = None,
        stage: int | None = None,
    ) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            where = self.lines.key(key, stage=stage, section=section) or line
            self.problem(f"{key} is missing or empty", where, key)
            return ""
        return value.strip()

    def choice(
        self,
        table: Mapping[str, Any],
        key: str,
        kind: type[_E],
        line: int | None,
        *,
        section: str | None = None,
        stage: int | None = None,
    ) -> _E | None:
        value = table.get(key)
        try:
            return kind(str(value))
        except ValueError:
            allowed = ", ".join(k.value for k in kind)
            where = self.lines.key(key, stage=stage, section=section) or line
            self.problem(f"{key} {value!r} is not one of: {allowed}", where, key)
            return None

    def wait(self, table: Mapping[str, Any], key: str, stage: int) -> Wait | None:
        if key not in table:
            return None
        try:
            return Wait.parse(str(table[key]))
        except ValueError as error:
            self.problem(str(error), self.lines.key(key, stage=stage), key)
            return None

    def money(self, table: Mapping[str, Any], key: str, stage: int) -> Money:
        if key not in table:
            return Money.zero()
        try:
            amount = Money.parse(str(table[key]))
        except MoneyError as error:
            self.problem(str(error), self.lines.key(key, stage=stage), key)
            return Money.zero()
        if amount.pence < 0:
            self.problem(f"{key} must not be negative", self.lines.key(key, stage=stage), key)
        return amount

    def settings(self) -> Settings:
        raw = self.data.get("settings", {})
        line = self.lines.section("[settings]")
        for key in raw:
            if key not in _SETTINGS_KEYS:
                self.problem(f"unknown key {key!r}", self.lines.key(key, section="settings"), key)
        numbers: dict[str, int] = {}
        for key, default in (("service_days", 2), ("limitation_years", 6)):
            value = raw.get(key, default)
            if not isinstance(value, int) or value < 0:
                self.problem(
                    f"{key} must be a whole number, 0 or more",
                    self.lines.key(key, section="settings") or line,
                    key,
                )
                value = default
            numbers[key] = value
        vulnerability = Vulnerability.REVIEW
        if "vulnerability" in raw:
            vulnerability = (
                self.choice(raw, "vulnerability", Vulnerability, line, section="settings")
                or Vulnerability.REVIEW
            )
        return Settings(numbers["service_days"], numbers["limitation_years"], vulnerability)

    def stage(self, n: int, raw: Mapping[str, Any]) -> Stage | None:
        line = self.lines.stage_starts[n] if n < len(self.lines.stage_starts) else None
        before = len(self.problems)
        for key in raw:
            if key not in _STAGE_KEYS:
                self.problem(f"unknown key {key!r}", self.lines.key(key, stage=n), key)
        name = self.text(raw, "name", line, stage=n)
        if name and not _NAME.match(name):
            self.problem(
                f"stage name {name!r} must be lower case letters, digits and _",
                self.lines.key("name", stage=n),
                "name",
            )
        letter = raw.get("letter")
        if not isinstance(letter, str) or not letter.strip():
            self.problem(f"stage {name or n + 1!r} has no letter", line, "letter")
            letter = ""
        title = raw.get("title") or name.replace("_", " ").capitalize()
        kind = self.choice(raw, "kind", StageKind, line, stage=n)
        legal_basis = self.text(raw, "legal_basis", line, stage=n)
        on_raw = raw.get("on")
        on_list = [on_raw] if isinstance(on_raw, str) else on_raw
        conditions: list[Condition] = []
        if not isinstance(on_list, list) or not on_list:
            self.problem(f"stage {name!r} needs 'on': what situation it answers", line, "on")
        else:
            for value in on_list:
                try:
                    conditions.append(Condition(str(value)))
                except ValueError:
                    allowed = ", ".join(c.value for c in Condition)
                    self.problem(
                        f"unknown condition {value!r} (known: {allowed})",
                        self.lines.key("on", stage=n),
                        "on",
                    )
        wait = self.wait(raw, "wait", n) or Wait(0)
        limit = raw.get("limit_per_year")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            self.problem(
                "limit_per_year must be 1 or more",
                self.lines.key("limit_per_year", stage=n),
                "limit_per_year",
            )
            limit = None
        eligibility = self.choice(raw, "for", Eligibility, line, stage=n) if "for" in raw else None
        demands = (
            self.choice(raw, "demands", Demand, line, stage=n) if "demands" in raw else None
        ) or Demand.ARREARS
        if_unpaid = (
            self.choice(raw, "if_unpaid", IfUnpaid, line, stage=n) if "if_unpaid" in raw else None
        ) or IfUnpaid.CONTINUE
        approval = self.choice(raw, "approval", Role, line, stage=n) if "approval" in raw else None
        pay_within = self.wait(raw, "pay_within", n)
        if kind is StageKind.NOTICE and "pay_within" not in raw:
            self.problem(
                f"notice {name!r} needs pay_within: how long the letter gives to pay",
                line,
                "pay_within",
            )
        after_paying = raw.get("after_paying")
        if len(self.problems) > before or kind is None:
            return None
        return Stage(
            name=name,
            title=str(title),
            letter=letter.strip(),
            kind=kind,
            on=tuple(conditions),
            legal_basis=legal_basis,
            wait=wait,
            after_last_notice=self.wait(raw, "after_last_notice", n),
            limit_per_year=limit,
            eligibility=eligibility,
            after_paying=str(after_paying) if after_paying else None,
            demands=demands,
            pay_within=pay_within,
            if_unpaid=if_unpaid,
            balance_due_after=self.wait(raw, "balance_due_after", n) or Wait(0),
            next_missed_makes_balance_due=bool(raw.get("next_missed_makes_balance_due", False)),
            next_missed_balance_due_after=self.wait(raw, "next_missed_balance_due_after", n)
            or ONE_DAY_WAIT,
            costs=self.money(raw, "costs", n),
            minimum_balance=self.money(raw, "minimum_balance", n),
            approval=approval,
        )

    def check_whole(self, stages: Sequence[Stage], country: Country) -> None:
        """Rules about the stages together: names, reachability, loops, the country's law.

        Each problem names the line of the field at fault in the stage at fault (the second
        of two stages of one name; the stage whose costs take the total over the cap).
        """

        def line(n: int, key: str) -> int | None:
            return self.lines.key(key, stage=n)

        seen: set[str] = set()
        for n, stage in enumerate(stages):
            if stage.name in seen:
                self.problem(f"stage {stage.name!r} appears twice", line(n, "name"), "name")
            seen.add(stage.name)
        names = {s.name for s in stages}
        for n, stage in enumerate(stages):
            if stage.after_paying is None:
                continue
            if stage.after_paying not in names:
                self.problem(
                    f"stage {stage.name!r} comes after paying {stage.after_paying!r}, "
                    "which is not a stage of this strategy",
                    line(n, "after_paying"),
                    "after_paying",
                )
            elif self._loops(stage, {s.name: s for s in stages}):
                self.problem(
                    f"stage {stage.name!r} can only follow itself (after_paying loops)",
                    line(n, "after_paying"),
                    "after_paying",
                )
        arising = self._conditions_that_arise(stages)
        for n, stage in enumerate(stages):
            if not any(c in arising for c in stage.on):
                said = ", ".join(c.value for c in stage.on)
                self.problem(
                    f"stage {stage.name!r} can never be reached: nothing in this strategy "
                    f"leads to {said}",
                    line(n, "on"),
                    "on",
                )
        if country is Country.WALES:
            for n, stage in enumerate(stages):
                if "committal" in stage.name or "committal" in stage.letter:
                    key = "name" if "committal" in stage.name else "letter"
                    self.problem(
                        "committal for council tax is abolished in Wales from 1 April 2019 "
                        "(WSI 2019/220)",
                        line(n, key),
                        key,
                    )
            court = [(n, s) for n, s in enumerate(stages) if s.kind is StageKind.COURT]
            court_costs = sum((s.costs for _, s in court), Money.zero())
            if court_costs > WELSH_COSTS_CAP:
                running = Money.zero()
                for n, stage in court:  # point at the stage whose costs go over the cap
                    running += stage.costs
                    if running > WELSH_COSTS_CAP:
                        self.problem(
                            f"court costs of {court_costs} exceed the {WELSH_COSTS_CAP} Wales "
                            "allows for a liability order, the summons included",
                            line(n, "costs"),
                            "costs",
                        )
                        break

    @staticmethod
    def _loops(stage: Stage, by_name: Mapping[str, Stage]) -> bool:
        seen = {stage.name}
        current = stage.after_paying
        while current is not None and current in by_name:
            if current in seen:
                return True
            seen.add(current)
            current = by_name[current].after_paying
        return False

    @staticmethod
    def _conditions_that_arise(stages: Sequence[Stage]) -> set[Condition]:
        """Conditions some path can produce, starting from instalments the bill sets."""
        arising = {Condition.MISSED_INSTALMENT, Condition.ALL_INSTALMENTS_DUE}
        changed = True
        while changed:
            changed = False
            for stage in stages:
                if not any(c in arising for c in stage.on):
                    continue
                made: set[Condition] = set()
                if stage.kind is StageKind.NOTICE and stage.if_unpaid is IfUnpaid.BALANCE_DUE:
                    made.add(Condition.BALANCE_DUE)
                if stage.next_missed_makes_balance_due:
                    made.add(Condition.BALANCE_DUE_UNSTATED)
                if stage.kind is StageKind.NOTICE and stage.demands is Demand.BALANCE:
                    made.add(Condition.BALANCE_DUE)
                if stage.kind is StageKind.COURT and Condition.SUMMONS_SERVED not in stage.on:
                    made.add(Condition.SUMMONS_SERVED)
                if stage.kind is StageKind.COURT and Condition.SUMMONS_SERVED in stage.on:
                    made.add(Condition.LIABILITY_ORDER)
                if not made <= arising:
                    arising |= made
                    changed = True
        return arising
