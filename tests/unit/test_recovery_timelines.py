"""The recovery engine (domain.recovery.engine) as timelines: a year of an account run day by
day, the way the recovery run drives it, and the steps it takes on each date.

Unless a test says otherwise the year is 2026/27 in England: ten instalments of £100.00 on
the 1st, 1 April 2026 to 1 January 2027, £1,000.00 in all. A row is (day, action, stage);
"summons (court)" is the engine deciding a summons, which the court commands take, not the run.

Legal background: research/statutory-rules.md §1.2-1.3 (England council tax), §5 (Breathing
Space), §7.1 (business rates), §9.2 (Wales from 1 April 2026).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reclaim.calendar import Country, FinancialYear
from reclaim.domain.recovery.engine import (
    Action,
    Case,
    Outcome,
    Period,
    Step,
    evaluate,
    steps_and_after,
    steps_due,
)
from reclaim.domain.recovery.protections import BreathingSpaceKind, ended_breathing_space
from tests.unit.recovery_builders import (
    INSTALMENTS,
    STRATEGY_FILES,
    Court,
    Runner,
    case,
    change_at,
    daily,
    day,
    days,
    monthly,
    on_time,
    period,
    pounds,
    standard_breathing_space,
    strategy,
    text,
    timeline,
)

ENGLAND = strategy("england-council-tax")
BUSINESS_RATES = strategy("england-business-rates")
WALES = strategy("wales-council-tax")
KNOWSLEY = strategy("knowsley-council-tax")
RBWM = strategy("rbwm-council-tax")

APRIL_ONLY = on_time(months=["Apr"])  # pays the first instalment, then nothing
WEEK = timedelta(days=7)


def steps_of(run: Runner) -> list[tuple[str, str, str, str | None, str | None, str]]:
    """Each recorded step as (day, action, stage, pay by, falls due, amount)."""
    return [
        (
            text(s.on),
            s.action.value,
            s.stage,
            text(s.pay_by) if s.pay_by else None,
            text(s.falls_due) if s.falls_due else None,
            str(s.amount),
        )
        for s in run.case.steps
    ]


# ---- paying on time, and the first reminder ------------------------------------------------


@pytest.mark.parametrize("path", STRATEGY_FILES, ids=lambda p: p.stem)
def test_an_account_that_always_pays_on_time_never_gets_a_notice(path):
    chosen = strategy(path.stem)
    year = case(paid=on_time(), country=chosen.country, aged_65_or_over=True)
    assert timeline(year, chosen, first="1 Apr 2026", last="31 Mar 2027") == []


@pytest.mark.parametrize(
    ("may_paid_on", "amount", "expected"),
    [
        # Paid before the reminder falls due (7 days after the missed instalment): none.
        ("7 May 2026", "100.00", []),
        ("8 May 2026", "100.00", []),
        # Paid within the reminder's 7 days (8-14 May): back in good standing, nothing more.
        ("9 May 2026", "100.00", [("8 May 2026", "notice", "reminder")]),
        ("14 May 2026", "100.00", [("8 May 2026", "notice", "reminder")]),
        # A day late, or short: the balance falls due (reg 23(3)).
        (
            "15 May 2026",
            "100.00",
            [
                ("8 May 2026", "notice", "reminder"),
                ("21 May 2026", "balance_due", "reminder"),
                ("22 May 2026", "summons (court)", "summons"),
            ],
        ),
        (
            "14 May 2026",
            "99.99",
            [
                ("8 May 2026", "notice", "reminder"),
                ("21 May 2026", "balance_due", "reminder"),
                ("22 May 2026", "summons (court)", "summons"),
            ],
        ),
    ],
)
def test_a_reminder_paid_within_its_seven_days_puts_the_account_back_in_good_standing(
    may_paid_on, amount, expected
):
    paid = {**on_time(missing=["May"]), may_paid_on: amount}
    assert timeline(case(paid=paid), ENGLAND) == expected


def test_an_unpaid_reminder_makes_the_balance_due_at_the_end_of_a_further_seven_days():
    # Reg 23(3): not paid within the 7 days beginning with the day of issue (8-14 May), the
    # balance is payable at the end of a further 7 days beginning with the day of failure.
    # The engine reads the period as 15-21 May and the balance as due on 21 May (R + 13; the
    # research note has "≈ R + 13/14"); the summons may follow the next day (reg 34(1)).
    run = daily(case(paid=APRIL_ONLY), ENGLAND)
    assert steps_of(run) == [
        ("8 May 2026", "notice", "reminder", "14 May 2026", None, "£100.00"),
        ("21 May 2026", "balance_due", "reminder", None, "21 May 2026", "£900.00"),
    ]
    on, summons = run.decisions[-1]
    assert (text(on), summons.action, summons.by_run) == ("22 May 2026", Action.SUMMONS, False)
    assert (summons.amount, summons.costs) == (pounds("900.00"), pounds("70.00"))
    assert run.rows[-1] == ("22 May 2026", "summons (court)", "summons")


def test_a_reminder_asks_for_the_instalments_falling_due_within_its_seven_days():
    # Instalments on the 5th: the May one is missed, the reminder goes on 12 May and gives
    # until 18 May; nothing else falls due by then. RBWM's (below) includes 1 June.
    fifth = monthly(first="5 Apr 2026")
    run = daily(case(paid=on_time(fifth, months=["Apr"]), instalments=fifth), ENGLAND)
    assert steps_of(run)[0] == ("12 May 2026", "notice", "reminder", "18 May 2026", None, "£100.00")
    rbwm = daily(case(paid=APRIL_ONLY), RBWM)
    assert steps_of(rbwm)[0] == ("26 May 2026", "notice", "reminder", "1 Jun 2026", None, "£200.00")


# ---- the second reminder and the third default (reg 23(4)) --------------------------------

PAYS_BOTH_REMINDERS = {
    **on_time(months=["Apr", "Jun", "Jul", "Sep"]),
    "10 May 2026": "100.00",  # the May instalment, paid under the reminder of 8 May
    "10 Aug 2026": "100.00",  # the August one, paid under the second reminder of 8 August
}


def test_a_second_default_after_a_paid_reminder_gets_the_second_reminder():
    late = {"10 May 2026": "100.00", "12 Aug 2026": "100.00"}  # each within its reminder
    paid = {**on_time(missing=["May", "Aug"]), **late}
    assert timeline(case(paid=paid), ENGLAND) == [
        ("8 May 2026", "notice", "reminder"),
        ("8 Aug 2026", "notice", "second_reminder"),
    ]


def test_third_missed_instalment_makes_whole_balance_due_the_day_after_with_no_reminder():
    # Reg 23(4): the second reminder was paid, so the late October instalment makes the
    # balance due on 2 October. No notice has stated that sum, so a final notice comes first
    # (reg 33), and the summons once its 7 days (3-9 October) have passed unpaid (reg 34(1)).
    run = daily(case(paid=PAYS_BOTH_REMINDERS), ENGLAND)
    assert run.rows == [
        ("8 May 2026", "notice", "reminder"),
        ("8 Aug 2026", "notice", "second_reminder"),
        ("2 Oct 2026", "balance_due", "second_reminder"),
        ("3 Oct 2026", "notice", "final_notice"),
        ("10 Oct 2026", "balance_due", "final_notice"),
        ("10 Oct 2026", "summons (court)", "summons"),
    ]
    third_default = run.case.steps[2]
    assert (third_default.falls_due, third_default.amount) == (day("2 Oct 2026"), pounds("400"))
    assert steps_of(run)[3] == (
        "3 Oct 2026",
        "notice",
        "final_notice",
        "9 Oct 2026",
        None,
        "£400.00",
    )


def test_an_unpaid_second_reminder_makes_the_balance_due_and_needs_no_final_notice():
    paid = {**on_time(months=["Apr", "Jun", "Jul"]), "10 May 2026": "100.00"}
    assert timeline(case(paid=paid), ENGLAND) == [
        ("8 May 2026", "notice", "reminder"),
        ("8 Aug 2026", "notice", "second_reminder"),
        ("21 Aug 2026", "balance_due", "second_reminder"),
        ("22 Aug 2026", "summons (court)", "summons"),
    ]


def test_when_every_instalment_has_fallen_due_a_final_notice_comes_without_a_reminder():
    # Reg 23(2): no reminder once all instalments are due; the January one is missed.
    paid = on_time(missing=["Jan"])
    assert timeline(case(paid=paid), ENGLAND, last="31 Mar 2027") == [
        ("2 Jan 2027", "notice", "final_notice"),
        ("9 Jan 2027", "balance_due", "final_notice"),
        ("9 Jan 2027", "summons (court)", "summons"),
    ]


# ---- soft reminders for people aged 65 or over (the Knowsley-style example) -----------------


@pytest.mark.parametrize(
    ("aged_65_or_over", "expected"),
    [
        (
            True,
            [
                ("8 May 2026", "notice", "soft_reminder"),  # 14 days to pay, to 21 May
                ("22 May 2026", "notice", "soft_reminder"),
                ("5 Jun 2026", "notice", "soft_reminder"),  # the third and last
                ("19 Jun 2026", "notice", "reminder"),  # 7 days to pay, to 25 June
                ("2 Jul 2026", "balance_due", "reminder"),
                ("3 Jul 2026", "summons (court)", "summons"),
            ],
        ),
        (
            False,
            [
                ("15 May 2026", "notice", "reminder"),  # 14 days after the missed instalment
                ("28 May 2026", "balance_due", "reminder"),
                ("29 May 2026", "summons (court)", "summons"),
            ],
        ),
    ],
    ids=["aged 65 or over", "younger"],
)
def test_three_soft_reminders_go_before_the_statutory_reminder_for_people_aged_65_or_over(
    aged_65_or_over, expected
):
    year = case(paid=APRIL_ONLY, aged_65_or_over=aged_65_or_over)
    assert timeline(year, KNOWSLEY) == expected


def test_a_soft_reminder_paid_ends_the_matter_for_a_person_aged_65_or_over():
    paid = {**on_time(missing=["May"]), "20 May 2026": "100.00"}
    assert timeline(case(paid=paid, aged_65_or_over=True), KNOWSLEY) == [
        ("8 May 2026", "notice", "soft_reminder"),
    ]


# ---- holds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hold", "expected"),
    [
        # A hold over the day the reminder falls due: the reminder follows the day it ends.
        (
            ("5 May 2026", "31 May 2026"),
            [
                ("1 Jun 2026", "notice", "reminder"),
                ("14 Jun 2026", "balance_due", "reminder"),
                ("15 Jun 2026", "summons (court)", "summons"),
            ],
        ),
        # A hold over the balance falling due: recorded the day the hold ends, never
        # backdated (it still says the balance fell due on 21 May), and the summons with it.
        (
            ("12 May 2026", "15 Jun 2026"),
            [
                ("8 May 2026", "notice", "reminder"),
                ("16 Jun 2026", "balance_due", "reminder"),
                ("16 Jun 2026", "summons (court)", "summons"),
            ],
        ),
    ],
    ids=["before the reminder", "over the balance falling due"],
)
def test_a_hold_stops_every_step_while_it_lasts_and_the_step_follows_when_it_ends(hold, expected):
    run = daily(case(paid=APRIL_ONLY, holds=(period(*hold),)), ENGLAND)
    assert run.rows == expected
    balance_due = next(s for s in run.case.steps if s.action is Action.BALANCE_DUE)
    assert balance_due.on >= balance_due.falls_due


def test_while_a_hold_lasts_the_engine_says_so_and_wakes_the_day_after_it_ends():
    year = case(paid=APRIL_ONLY, holds=(period("5 May 2026", "31 May 2026"),))
    assert evaluate(year, ENGLAND, day("8 May 2026")) == Outcome(
        None, wake=day("1 Jun 2026"), quiet="on hold"
    )


# ---- Breathing Space (SI 2020/1311) --------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        # During the reminder's 7 days: the year qualifies (a reminder was served, reg
        # 5(4)(k)). 12 May to 10 July; then the whole 7 days to pay again (11-17 July), the
        # balance due at the end of a further 7, and the summons.
        (
            "12 May 2026",
            [
                ("8 May 2026", "notice", "reminder"),
                ("24 Jul 2026", "balance_due", "reminder"),
                ("25 Jul 2026", "summons (court)", "summons"),
            ],
        ),
        # With the balance due and the summons decided (the court has not taken it):
        # 22 May to 20 July; the summons' wait of 1 day counts afresh from the end.
        (
            "22 May 2026",
            [
                ("8 May 2026", "notice", "reminder"),
                ("21 May 2026", "balance_due", "reminder"),
                ("21 Jul 2026", "summons (court)", "summons"),
            ],
        ),
    ],
    ids=["in the reminder's 7 days", "with the balance due"],
)
def test_a_standard_breathing_space_of_60_days_stops_recovery_and_waits_count_from_its_end(
    starts, expected
):
    space = standard_breathing_space(starts)
    run = daily(case(paid=APRIL_ONLY, breathing_spaces=(space,)), ENGLAND)
    assert run.rows == expected
    assert not any(space.covers(on) for on, _ in run.decisions)


def test_a_mental_health_crisis_breathing_space_stops_everything_until_its_end_is_known():
    # A reminder was served (and paid) in May, so the year qualifies. August is missed; the
    # moratorium starts on 3 August with no end date. The treatment's end is notified on
    # 31 August: the moratorium lasts 30 days more, to 30 September. The second reminder's
    # wait of 7 days then counts afresh from its end.
    paid = {**on_time(months=["Apr", "Jun", "Jul"]), "10 May 2026": "100.00"}
    crisis = period("3 Aug 2026")
    ends = ended_breathing_space(
        BreathingSpaceKind.MENTAL_HEALTH, day("3 Aug 2026"), day("31 Aug 2026")
    )
    assert ends == day("30 Sep 2026")
    year = case(paid=paid, breathing_spaces=(crisis,))

    never_ends = timeline(year, ENGLAND, last="31 Mar 2027")
    assert never_ends == [("8 May 2026", "notice", "reminder")]
    assert evaluate(year, ENGLAND, day("1 Dec 2026")).wake is None

    ended = replace(crisis, ends_on=ends)
    changes = {"31 Aug 2026": change_at(breathing_spaces=(ended,))}
    assert timeline(year, ENGLAND, changes=changes) == [
        ("8 May 2026", "notice", "reminder"),
        ("7 Oct 2026", "notice", "second_reminder"),
        ("20 Oct 2026", "balance_due", "second_reminder"),
        ("21 Oct 2026", "summons (court)", "summons"),
    ]


def test_a_year_in_breathing_space_that_does_not_yet_qualify_still_gets_its_reminder():
    # From 3 May to 1 July: no notice served and instalments still to come, so the year is
    # not a qualifying debt (reg 5(4)(k)) and the reminder goes on 8 May as usual. From then
    # the engine protects the year (a reminder has been served): the pay period starts again
    # when the moratorium ends. That is more than the law asks — a moratorium debt is one
    # owed when the application was made (reg 6) — but it takes no step the law forbids.
    space = standard_breathing_space("3 May 2026")
    assert space.ends_on == day("1 Jul 2026")
    assert timeline(case(paid=APRIL_ONLY, breathing_spaces=(space,)), ENGLAND) == [
        ("8 May 2026", "notice", "reminder"),
        ("15 Jul 2026", "balance_due", "reminder"),
        ("16 Jul 2026", "summons (court)", "summons"),
    ]


def test_a_year_whose_instalments_have_all_fallen_due_is_protected_without_a_notice():
    paid = on_time(missing=["Jan"])
    space = period("2 Jan 2027", "2 Mar 2027")
    assert timeline(case(paid=paid, breathing_spaces=(space,)), ENGLAND) == [
        ("3 Mar 2027", "notice", "final_notice"),
        ("10 Mar 2027", "balance_due", "final_notice"),
        ("10 Mar 2027", "summons (court)", "summons"),
    ]


# ---- vulnerability and death ---------------------------------------------------------------


def test_a_vulnerable_person_is_listed_for_review_instead_of_a_summons_once_only():
    run = daily(case(paid=APRIL_ONLY, vulnerable=True), ENGLAND)
    assert run.rows == [
        ("8 May 2026", "notice", "reminder"),
        ("21 May 2026", "balance_due", "reminder"),
        ("22 May 2026", "review", "summons"),
    ]
    review = run.case.steps[-1]
    assert "vulnerable" in review.reason and review.amount == pounds("900.00")


def test_nothing_is_taken_for_a_person_who_has_died():
    year = case(paid=APRIL_ONLY, deceased=True)
    assert timeline(year, ENGLAND) == []
    assert evaluate(year, ENGLAND, day("8 May 2026")).quiet.startswith("the liable person has died")


# ---- working days (the RBWM-style example: "within 15 working days") -------------------------


@pytest.mark.parametrize(
    ("instalment_day", "missed", "reminder_on", "weekdays_only_would_give"),
    [
        # Good Friday 3 April and Easter Monday 6 April 2026.
        ("1 Apr 2026", "Apr", "24 Apr 2026", "22 Apr 2026"),
        # The early May bank holiday (4 May) and the spring bank holiday (25 May).
        ("1 Apr 2026", "May", "26 May 2026", "22 May 2026"),
        # The spring bank holiday, 25 May.
        ("15 Apr 2026", "May", "8 Jun 2026", "5 Jun 2026"),
        # Christmas Day, Boxing Day (Monday 28 December) and New Year's Day.
        ("15 Apr 2026", "Dec", "8 Jan 2027", "5 Jan 2027"),
    ],
)
def test_a_reminder_within_15_working_days_skips_weekends_and_bank_holidays(
    instalment_day, missed, reminder_on, weekdays_only_would_give
):
    instalments = monthly(first=instalment_day)
    months = [f"{i.due_date:%b}" for i in instalments if f"{i.due_date:%b}" != missed]
    year = case(paid=on_time(instalments, months=months), instalments=instalments)
    rows = timeline(year, RBWM, last="31 Jan 2027")
    assert rows[0] == (reminder_on, "notice", "reminder")
    assert rows[0][0] != weekdays_only_would_give


def test_the_rbwm_summons_follows_one_working_day_after_the_balance_falls_due():
    assert timeline(case(paid=APRIL_ONLY), RBWM) == [
        ("26 May 2026", "notice", "reminder"),
        ("8 Jun 2026", "balance_due", "reminder"),  # 1 June + 7 calendar days
        ("9 Jun 2026", "summons (court)", "summons"),
    ]


# ---- Wales from 2026/27 (WSI 2025/1109, research note §9.2) ---------------------------------


def wales(**fields):
    return case(country=Country.WALES, **fields)


def test_wales_gives_a_final_notice_41_days_after_the_missed_instalment_and_21_days_to_pay():
    # An unpaid reminder loses nothing: the instalments stand until the final notice's 21
    # days (11 June to 1 July) have passed; the balance is due the day after, the summons
    # the day after that — 63 days from the missed instalment.
    run = daily(wales(paid=APRIL_ONLY), WALES)
    assert steps_of(run) == [
        ("8 May 2026", "notice", "reminder", "14 May 2026", None, "£100.00"),
        ("11 Jun 2026", "notice", "final_notice", "1 Jul 2026", None, "£300.00"),
        ("2 Jul 2026", "balance_due", "final_notice", None, "2 Jul 2026", "£900.00"),
    ]
    assert run.rows[-1] == ("3 Jul 2026", "summons (court)", "summons")
    assert (day("3 Jul 2026") - day("1 May 2026")).days == 63


def test_wales_gives_the_final_notice_no_sooner_than_14_days_after_a_reminder():
    # A hold keeps the reminder back to 1 June; 41 days from 1 May would be 11 June, but 14
    # days from the reminder is 15 June.
    year = wales(paid=APRIL_ONLY, holds=(period("2 May 2026", "31 May 2026"),))
    assert timeline(year, WALES) == [
        ("1 Jun 2026", "notice", "reminder"),
        ("15 Jun 2026", "notice", "final_notice"),
        ("6 Jul 2026", "balance_due", "final_notice"),
        ("7 Jul 2026", "summons (court)", "summons"),
    ]


@pytest.mark.parametrize(
    ("from_may_to_july", "expected"),
    [
        (
            {"12 May 2026": "100.00", "1 Jun 2026": "100.00", "1 Jul 2026": "100.00"},
            [("8 May 2026", "notice", "reminder")],
        ),
        (
            {"1 Jul 2026": "300.00"},  # May, June and July, on the final notice's last day
            [("8 May 2026", "notice", "reminder"), ("11 Jun 2026", "notice", "final_notice")],
        ),
    ],
    ids=["reminder paid", "final notice paid"],
)
def test_wales_a_notice_paid_in_time_puts_the_account_back_in_good_standing(
    from_may_to_july, expected
):
    paid = {**on_time(months=["Apr", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan"]), **from_may_to_july}
    assert timeline(wales(paid=paid), WALES) == expected


# ---- business rates: one reminder a year (SI 1989/1058 reg 8) -------------------------------

RATES = monthly(amount="1000.00")


def test_business_rates_a_second_default_after_a_paid_reminder_makes_the_balance_due_in_7_days():
    # Reg 8(2)(b): after a further notice, a later instalment not paid on time makes the
    # balance payable at the end of 7 days beginning with the day of failure: August's, so 8
    # August. No second reminder. The strategy then sends a final notice (its choice: reg 12
    # would allow the complaint at once), and the summons follows when that is unpaid.
    paid = {**on_time(RATES, months=["Apr", "Jun", "Jul"]), "10 May 2026": "1000.00"}
    run = daily(case(paid=paid, instalments=RATES), BUSINESS_RATES)
    assert run.rows == [
        ("8 May 2026", "notice", "reminder"),
        ("8 Aug 2026", "balance_due", "reminder"),
        ("15 Aug 2026", "notice", "final_notice"),
        ("22 Aug 2026", "balance_due", "final_notice"),
        ("22 Aug 2026", "summons (court)", "summons"),
    ]
    assert run.case.steps[1].falls_due == day("8 Aug 2026")


def test_business_rates_an_unpaid_reminder_makes_the_balance_due_7_days_after_the_failure():
    paid = on_time(RATES, months=["Apr"])
    run = daily(case(paid=paid, instalments=RATES), BUSINESS_RATES)
    assert steps_of(run) == [
        ("8 May 2026", "notice", "reminder", "14 May 2026", None, "£1,000.00"),
        ("21 May 2026", "balance_due", "reminder", None, "21 May 2026", "£9,000.00"),
    ]
    on, summons = run.decisions[-1]
    assert (text(on), summons.costs) == ("22 May 2026", pounds("90.00"))


# ---- the court: paid before the hearing (reg 34(5)) ----------------------------------------

# Nothing paid after April: summons on 22 May 2026 with £70.00 costs, hearing on 19 June.
SUMMONSED = [
    ("8 May 2026", "notice", "reminder"),
    ("21 May 2026", "balance_due", "reminder"),
    ("22 May 2026", "summons", "summons"),
]


@pytest.mark.parametrize(
    ("paid_on", "amount", "then"),
    [
        ("10 Jun 2026", "970.00", [("10 Jun 2026", "withdrawn", "summons")]),
        ("18 Jun 2026", "970.00", [("18 Jun 2026", "withdrawn", "summons")]),
        # Without the costs the sum is not paid in full: the order is made at the hearing.
        ("10 Jun 2026", "900.00", [("19 Jun 2026", "liability_order", "liability_order")]),
        # On the day of the hearing: too late to stop the order.
        ("19 Jun 2026", "970.00", [("19 Jun 2026", "liability_order", "liability_order")]),
    ],
)
def test_a_summons_paid_in_full_with_its_costs_before_the_hearing_is_withdrawn(
    paid_on, amount, then
):
    year = case(paid={**APRIL_ONLY, paid_on: amount})
    assert timeline(year, ENGLAND, court=Court()) == [*SUMMONSED, *then]


# ---- the six-year limit (reg 34(3)) --------------------------------------------------------


def balance_due_on(falls_due: str, year: FinancialYear = FinancialYear(2026)) -> Case:
    """A year whose reminder went unpaid and whose balance fell due on ``falls_due``."""
    due = day(falls_due)
    reminder = Step(due - timedelta(days=13), Action.NOTICE, "reminder", pay_by=due - WEEK)
    balance = Step(due, Action.BALANCE_DUE, "reminder", pounds("900.00"), falls_due=due)
    instalments = monthly(first=f"1 Apr {year.start.year}")
    return case(instalments=instalments, year=year, steps=(reminder, balance))


@pytest.mark.parametrize(
    ("falls_due", "evaluated_on", "summons_decided"),
    [
        ("21 May 2026", "22 May 2026", True),
        ("21 May 2026", "20 May 2032", True),  # the last day of the 6 years beginning 21 May
        ("21 May 2026", "21 May 2032", False),
        ("21 May 2026", "1 Jan 2040", False),
        ("29 Feb 2028", "28 Feb 2034", True),  # 6 years beginning on 29 February
        ("29 Feb 2028", "1 Mar 2034", False),
    ],
)
def test_no_summons_is_decided_once_six_years_have_passed_since_the_balance_fell_due(
    falls_due, evaluated_on, summons_decided
):
    year = FinancialYear(2027) if falls_due.endswith("2028") else FinancialYear(2026)
    outcome = evaluate(balance_due_on(falls_due, year), ENGLAND, day(evaluated_on))
    if summons_decided:
        assert outcome.decision is not None and outcome.decision.action is Action.SUMMONS
    else:
        assert outcome.decision is None and outcome.quiet.startswith("out of time")


@pytest.mark.parametrize(
    ("evaluated_on", "summons_decided"), [("1 Oct 2032", True), ("2 Oct 2032", False)]
)
def test_the_six_years_count_from_the_third_default_not_from_the_final_notice_after_it(
    evaluated_on, summons_decided
):
    # The balance fell due on 2 October 2026 (reg 23(4)); the final notice stating it went
    # unpaid on 9 October. The six years begin with 2 October.
    year = daily(case(paid=PAYS_BOTH_REMINDERS), ENGLAND, last="10 Oct 2026").case
    outcome = evaluate(year, ENGLAND, day(evaluated_on))
    if summons_decided:
        assert outcome.decision is not None and "2 October 2026" in outcome.decision.reason
    else:
        assert outcome.decision is None
        assert outcome.quiet.startswith("out of time: the sum fell due on 2 October 2026")


# ---- properties: waking only when something is due; running twice --------------------------

PROPERTY_FIRST, PROPERTY_LAST = day("1 Apr 2026"), day("31 Jul 2027")
STRATEGY_NAMES = [path.stem for path in STRATEGY_FILES]


@st.composite
def years(draw: st.DrawFn) -> tuple[Case, str]:
    """A year of random payments (on time, late, short or never, and perhaps a lump sum),
    perhaps a hold and a Breathing Space, for a random shipped or example strategy."""
    name = draw(st.sampled_from(STRATEGY_NAMES))
    chosen = strategy(name)
    payments: list[tuple[date, int]] = []
    for instalment in INSTALMENTS:
        when = draw(st.sampled_from(["on time"] * 6 + ["late"] * 3 + ["never"]))
        if when == "never":
            continue
        late = draw(st.integers(-5, 0) if when == "on time" else st.integers(1, 60))
        share = draw(st.sampled_from([1, 1, 1, 2]))  # mostly in full, sometimes half
        payments.append((instalment.due_date + timedelta(days=late), 10000 // share))
    if draw(st.booleans()):
        lump_on = draw(st.dates(PROPERTY_FIRST, PROPERTY_LAST))
        everything = 2000_00  # more than the year and any costs
        payments.append(
            (lump_on, draw(st.sampled_from([everything, draw(st.integers(1, 1200)) * 100])))
        )

    def periods() -> tuple[Period, ...]:
        """None, or one period of 1 to 60 days starting before February."""
        if not draw(st.booleans()):
            return ()
        starts = draw(st.dates(PROPERTY_FIRST, day("31 Jan 2027")))
        return (Period(starts, starts + timedelta(days=draw(st.integers(0, 59)))),)

    year = Case(
        year=FinancialYear(2026),
        instalments=INSTALMENTS,
        paid=tuple(sorted(payments)),
        country=chosen.country,
        aged_65_or_over=draw(st.booleans()),
        vulnerable=draw(st.sampled_from([False, False, False, True])),
        holds=periods(),
        breathing_spaces=periods(),
    )
    return year, name


def run_by_wake(year: Case, name: str) -> Runner:
    """Run only on the days the engine says something may next fall due (its ``wake``),
    the days payments take effect, and the court's hearing days."""
    runner = Runner(year, strategy(name), court=Court())
    payment_days = sorted({on for on, _ in year.paid})
    today = PROPERTY_FIRST
    while today <= PROPERTY_LAST:
        runner.day(today)
        outcome = evaluate(runner.case, runner.strategy, today)
        assert outcome.decision is None, (today, outcome)
        if outcome.wake is not None:
            assert outcome.wake > today, (today, outcome)
        events = [d for d in (*payment_days, *runner.hearing_days()) if d > today]
        following = [*events, *([outcome.wake] if outcome.wake else [])]
        if not following:
            break
        today = min(following)
    return runner


@settings(max_examples=60, deadline=None)
@given(years())
def test_running_only_on_the_days_something_is_due_gives_the_same_year_as_every_day(
    year_and_name,
):
    year, name = year_and_name
    every_day = Runner(year, strategy(name), court=Court()).run(days("1 Apr 2026", "31 Jul 2027"))
    assert run_by_wake(year, name).case.steps == every_day.case.steps


@settings(max_examples=60, deadline=None)
@given(years())
def test_running_twice_on_the_same_date_changes_nothing_the_second_time(year_and_name):
    year, name = year_and_name
    runner = Runner(year, strategy(name), court=Court())
    for today in days("1 Apr 2026", "31 Jul 2027"):
        runner.day(today)
        again = steps_due(runner.case, runner.strategy, today)
        assert [d for d in again if d.by_run] == [], (today, again)


@settings(max_examples=40, deadline=None)
@given(years())
def test_the_answer_after_the_steps_is_the_engine_asked_again_once_they_are_taken(
    year_and_name,
):
    """What the run keeps for its watch: the engine's answer with the day's steps taken, as
    ``steps_and_after`` gives it, is the engine asked afresh about the year with those steps."""
    year, name = year_and_name
    runner = Runner(year, strategy(name), court=Court())
    for today in days("1 Apr 2026", "31 Jul 2027"):
        before = runner.case
        decisions, after = steps_and_after(before, runner.strategy, today)
        assert decisions == steps_due(before, runner.strategy, today)
        taken = tuple(d.as_step(today) for d in decisions if d.by_run)
        asked = evaluate(replace(before, steps=(*before.steps, *taken)), runner.strategy, today)
        assert after == asked, today
        runner.day(today)
