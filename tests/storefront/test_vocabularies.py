"""The storefront's Django choices restate the shared vocabularies for their labels: the same
values, in the same order (issue 14, item 1)."""

from catalog.models import Category
from contracts.vocabulary import CATEGORIES, INTERACTION_KINDS, STAGES
from recommendations.models import Interaction
from tryon.stage_labels import STAGE_LABELS


def test_garment_categories() -> None:
    assert tuple(Category.values) == CATEGORIES


def test_interaction_kinds() -> None:
    assert tuple(Interaction.Kind.values) == INTERACTION_KINDS


def test_every_stage_has_a_label() -> None:
    assert tuple(STAGE_LABELS) == STAGES
