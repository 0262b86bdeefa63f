"""Small example files bundled with Reclaim, used by ``reclaim example`` and the tests."""

from pathlib import Path

HERE = Path(__file__).parent
ACCOUNTS_CSV = HERE / "accounts.csv"
PAYMENTS_CSV = HERE / "payments.csv"
