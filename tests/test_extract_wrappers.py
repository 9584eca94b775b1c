"""The stages' wrappers in extract.py build the next `Found` field by field (faster than
`dataclasses.replace`): each equals `replace` with the same part, and they know every field
of Found (a field added to it fails here)."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from pipeline import extract
from pipeline.stages.found import Found


def test_the_wrappers_know_every_field_of_found_in_order():
    assert extract.FOUND_FIELDS == tuple(f.name for f in fields(Found))


# distinct stand-ins for each field, so that a value put in the wrong field is seen
BASE = Found(*[[name] if name != "place" else None for name in extract.FOUND_FIELDS])


@pytest.mark.parametrize(("wrapped", "replaced"), [
    # the wrapper and its arguments        what dataclasses.replace makes
    (lambda f: extract.with_quantities(f, ["q"]),        {"quantities": ["q"]}),
    (lambda f: extract.with_roles(f, ["q"], ("t",), ("c",)), {"quantities": ["q"], "tables": ("t",), "cards": ("c",)}),
    (lambda f: extract.with_cues(f, ["c"]),              {"cues": ["c"]}),
    (lambda f: extract.with_mentions(f, ["m"]),          {"mentions": ["m"]}),
    (lambda f: extract.with_projects(f, ["p"]),          {"projects": ["p"]}),
    (lambda f: extract.with_projects(f, ["p"], ["s"]),   {"projects": ["p"], "statuses": ["s"]}),
    (lambda f: extract.with_place(f, "a place"),         {"place": "a place"}),
])
def test_each_wrapper_equals_replace(wrapped, replaced):
    got = wrapped(BASE)
    assert got == replace(BASE, **replaced)
    assert all(getattr(got, name) is getattr(BASE, name) for name in extract.FOUND_FIELDS if name not in replaced)
