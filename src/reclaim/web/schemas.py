"""The JSON API's shapes: what a request sends (``…In``) and what it gets (``…Out``), apart
from the domain's and the database's own. Money is a string of pounds and pence, dates ISO."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from reclaim.domain.accounts import PaymentMethod
from reclaim.domain.recovery.protections import (
    BreathingSpaceKind,
    HoldKind,
    VulnerabilityCategory,
)


class Problem(BaseModel):
    detail: str


class SignInIn(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class SessionOut(BaseModel):
    username: str
    name: str
    role: str
    councils: list[str]
    csrf_token: str = Field(description="Send it back as the X-CSRF-Token header on changes")


class SearchAccountOut(BaseModel):
    reference: str
    kind: str
    address: str


class SearchHitOut(BaseModel):
    council: str
    customer: str
    name: str
    accounts: list[SearchAccountOut]  # the first few, by reference
    more_accounts: int  # how many more they have (the customer view lists them all)


class HoldOut(BaseModel):
    id: int
    kind: str
    reason: str
    placed_on: date
    review_by: date
    until: date | None
    released_on: date | None
    released_reason: str | None


class AccountSummaryOut(BaseModel):
    reference: str
    kind: str
    address: str
    balance: str
    stage: str
    holds: list[HoldOut]


class TimelineEventOut(BaseModel):
    on: date
    what: str
    account: str
    detail: str
    amount: str | None


class DocumentOut(BaseModel):
    id: int
    account: str
    letter: str
    status: str
    created_on: date


class CustomerOut(BaseModel):
    council: str
    reference: str
    name: str
    kind: str
    date_of_birth: date | None
    died_on: date | None
    flags: list[str]
    balance: str
    accounts: list[AccountSummaryOut]
    documents: list[DocumentOut]  # newest first
    documents_complete: bool  # false: only the newest letters (each account has them all)
    timeline: list[TimelineEventOut]  # newest first
    timeline_complete: bool  # false: only the newest events (each account has them all)


class PostingOut(BaseModel):
    id: int | None
    kind: str
    amount: str
    financial_year: str
    effective_date: date
    reason: str


class InstalmentOut(BaseModel):
    due_date: date
    amount: str


class BillOut(BaseModel):
    id: int
    financial_year: str
    issued_on: date
    charge: str
    reason: str


class StageEventOut(BaseModel):
    on: date
    financial_year: str
    action: str
    stage: str
    amount: str
    reason: str


class NoteOut(BaseModel):
    written_at: datetime
    author: str
    text: str


class AccountOut(BaseModel):
    council: str
    reference: str
    kind: str
    balance: str
    stage: str
    parties: list[str]
    address: str | None
    postings: list[PostingOut]
    schedule: list[InstalmentOut]
    bills: list[BillOut]
    stage_history: list[StageEventOut]
    holds: list[HoldOut]
    notes: list[NoteOut]
    documents: list[DocumentOut]


class HoldIn(BaseModel):
    kind: HoldKind = HoldKind.GENERAL
    reason: str = Field(max_length=2000)
    review_by: date


class ReleaseIn(BaseModel):
    reason: str = Field(max_length=2000)


class NoteIn(BaseModel):
    text: str = Field(max_length=4000)


class PaymentIn(BaseModel):
    amount: str = Field(max_length=20, description="Pounds and pence, like 25.00")
    channel: PaymentMethod
    paid_on: date
    external_id: str = Field(max_length=80)


class PaymentOut(BaseModel):
    allocated: int
    suspense: int
    total: str


class VulnerabilityIn(BaseModel):
    category: VulnerabilityCategory
    review_by: date
    reason: str = Field(max_length=2000)


class VulnerabilityOut(BaseModel):
    id: int
    category: str
    review_by: date
    recorded_on: date


class BreathingSpaceIn(BaseModel):
    kind: BreathingSpaceKind = BreathingSpaceKind.STANDARD
    starts_on: date
    reason: str = Field(default="", max_length=2000)


class BreathingSpaceEndIn(BaseModel):
    ended_on: date


class BreathingSpaceOut(BaseModel):
    id: int
    kind: str
    starts_on: date
    ends_on: date | None
    reason: str


class WorkListOut(BaseModel):
    name: str
    title: str
    columns: list[str]
    rows: list[list[str]]


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    user: str
    action: str
    council: str
    subject: str
    reason: str
    entry_hash: str
