"""The small fictional registry and the channel the lists tests match and deliver against."""

from datetime import date

import pytest

from cases.services.channels import channel_create
from cases.services.detainees import NameVariantInput, detainee_create


@pytest.fixture
def channel(db):
    return channel_create(actor=None, name="Moscow talks", mediator="Russia", counterpart="Hamas")


@pytest.fixture
def registry(db):
    """Four people a list names (two dual citizens with a Cyrillic name, a man whose surname differs
    from one of them only by its gender ending, a woman with a Hebrew name) and others to pass over."""
    people = {
        "orlovsky": detainee_create(
            full_name="Dmitri Orlovsky",
            actor=None,
            sex="male",
            date_of_birth=date(1981, 3, 14),
            citizenships=["IL", "RU"],
            name_variants=[NameVariantInput("Дмитрий Орловский", "Cyrl")],
        ),
        "gromova": detainee_create(
            full_name="Yelena Gromova",
            actor=None,
            sex="female",
            date_of_birth=date(1986, 7, 2),
            citizenships=["IL", "RU"],
            name_variants=[NameVariantInput("Елена Громова", "Cyrl")],
        ),
        "gromov": detainee_create(full_name="Ilya Gromov", actor=None, sex="male", citizenships=["IL", "RU"]),
        "cohen": detainee_create(
            full_name="Yael Cohen",
            actor=None,
            sex="female",
            citizenships=["IL"],
            name_variants=[NameVariantInput("יעל כהן", "Hebr")],
        ),
    }
    for n in range(20):  # others the retrieval must pass over
        detainee_create(full_name=f"Noa Peretz {n}", actor=None, citizenships=["IL"])
    return people
