"""The bulk importer's column expressions for "the same person" and "the same property" must
say exactly what the domain's rule says (domain.parties.loose_name, properties.loose_address)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reclaim.domain.parties import loose_name
from reclaim.domain.properties import loose_address
from reclaim.imports.accounts import loose_address_expr, loose_name_expr

SAMPLES = [
    "Alex Example",
    "  alex   EXAMPLE ",
    "Flat 3,  4 Mill Lane,Example Town",
    "O'NEILL\tERIN",
    "Ünal  Çelik",
    "",
]


def through_polars(expr, texts: list[str]) -> list[str]:
    frame = pl.DataFrame({"t": pl.Series(texts, dtype=pl.String)})
    return frame.select(expr(pl.col("t"))).to_series().to_list()


@pytest.mark.parametrize(
    ("rule", "expr"), [(loose_name, loose_name_expr), (loose_address, loose_address_expr)]
)
def test_the_column_expressions_say_what_the_domain_rule_says(rule, expr):
    assert through_polars(expr, SAMPLES) == [rule(s) for s in SAMPLES]


@given(
    st.lists(
        st.text(
            alphabet=st.characters(categories=["L", "N", "Zs", "P"]) | st.sampled_from(",\t\n"),
            max_size=30,
        ),
        max_size=20,
    )
)
def test_they_agree_on_any_name_or_address(texts):
    assert through_polars(loose_name_expr, texts) == [loose_name(t) for t in texts]
    assert through_polars(loose_address_expr, texts) == [loose_address(t) for t in texts]
