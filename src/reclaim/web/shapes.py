"""The service results in the API's shapes (web/schemas.py)."""

from __future__ import annotations

from reclaim.services.officer_views import AccountPage, CustomerView, Document
from reclaim.services.protections import Hold
from reclaim.web import schemas as s


def hold_out(h: Hold) -> s.HoldOut:
    return s.HoldOut(
        id=h.id,
        kind=h.kind.value,
        reason=h.reason,
        placed_on=h.placed_on,
        review_by=h.review_by,
        until=h.until,
        released_on=h.released_on,
        released_reason=h.released_reason,
    )


def document_out(d: Document) -> s.DocumentOut:
    return s.DocumentOut(
        id=d.id, account=d.account, letter=d.letter, status=d.status, created_on=d.created_on
    )


def customer_out(view: CustomerView) -> s.CustomerOut:
    p = view.party
    return s.CustomerOut(
        council=view.council,
        reference=p.reference,
        name=p.name,
        kind=p.kind.value,
        date_of_birth=p.date_of_birth,
        died_on=p.died_on,
        flags=list(view.flags),
        balance=view.total_balance.to_json(),
        accounts=[
            s.AccountSummaryOut(
                reference=a.reference,
                kind=a.kind.value,
                address=a.address,
                balance=a.balance.to_json(),
                stage=a.stage,
                holds=[hold_out(h) for h in a.holds],
            )
            for a in view.accounts
        ],
        documents=[document_out(d) for d in view.documents],
        documents_complete=view.documents_complete,
        timeline_complete=view.timeline_complete,
        timeline=[
            s.TimelineEventOut(
                on=e.on,
                what=e.what,
                account=e.account,
                detail=e.detail,
                amount=None if e.amount is None else e.amount.to_json(),
            )
            for e in view.timeline
        ],
    )


def account_out(page: AccountPage) -> s.AccountOut:
    st = page.statement
    view = st.view
    prop = view.property
    return s.AccountOut(
        council=page.council,
        reference=view.account.reference,
        kind=view.account.kind.value,
        balance=view.balance.to_json(),
        stage=st.recovery.stage,
        parties=[p.reference or "" for p in view.parties],
        address=None if prop is None else f"{prop.address}, {prop.postcode}",
        postings=[
            s.PostingOut(
                id=p.id,
                kind=p.kind.value,
                amount=p.amount.to_json(),
                financial_year=str(p.financial_year),
                effective_date=p.effective_date,
                reason=p.reason,
            )
            for p in st.postings
        ],
        schedule=[
            s.InstalmentOut(due_date=i.due_date, amount=i.amount.to_json())
            for i in (st.schedule.instalments if st.schedule else ())
        ],
        bills=[
            s.BillOut(
                id=b.id,
                financial_year=str(b.year),
                issued_on=b.issued_on,
                charge=b.charge.to_json(),
                reason=b.reason,
            )
            for b in st.bills
        ],
        stage_history=[
            s.StageEventOut(
                on=e.on,
                financial_year=str(e.year),
                action=e.action.value,
                stage=e.stage,
                amount=e.amount.to_json(),
                reason=e.reason,
            )
            for e in st.recovery.events
        ],
        holds=[hold_out(h) for h in st.holds],
        notes=[
            s.NoteOut(written_at=n.written_at, author=n.author, text=n.text) for n in page.notes
        ],
        documents=[document_out(d) for d in page.documents],
    )
