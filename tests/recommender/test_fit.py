"""Size advice from a garment's size chart and the shopper's measurements."""

from sizing.fit import size_advice, size_fit_score
from tests.recommender.catalogue import size_chart


def test_picks_the_size_made_for_the_shoppers_girths() -> None:
    chart = size_chart({"chest_cm": 92.0, "waist_cm": 76.0, "hips_cm": 100.0})
    advice = size_advice(
        chart, body_cm={"chest_cm": 91.0, "waist_cm": 75.0, "hips_cm": 99.0}, category="dress"
    )
    assert (advice.label, advice.reason, advice.fits) == ("M", "your size: M", True)
    assert advice.score > 0.9
    bigger = size_advice(chart, body_cm={"chest_cm": 96.0, "hips_cm": 104.0}, category="dress")
    assert bigger.label == "L"
    between = size_advice(chart, body_cm={"chest_cm": 94.5, "hips_cm": 102.5}, category="dress")
    assert between.label == "L"  # M would be tight: the next size up


def test_too_tight_costs_more_than_too_loose() -> None:
    row = {"label": "M", "stock": 1, "chest_cm": 96.0}
    tight = size_fit_score(row, {"chest_cm": 100.0}, category="top")  # body 4 cm larger
    loose = size_fit_score(row, {"chest_cm": 84.0}, category="top")  # 12 cm room, 4 past ease
    assert tight < loose < 1.0


def test_a_size_out_of_stock_is_never_advised() -> None:
    chart = size_chart({"chest_cm": 96.0}, stock={"XS": 2, "S": 2, "M": 0, "L": 2, "XL": 2})
    advice = size_advice(chart, body_cm={"chest_cm": 96.0}, category="top")
    assert advice.label in ("S", "L")
    assert advice.fits


def test_nothing_fits_far_outside_the_chart() -> None:
    chart = size_chart({"chest_cm": 96.0})
    advice = size_advice(chart, body_cm={"chest_cm": 140.0}, category="top")
    assert not advice.fits and advice.reason == ""


def test_declared_size_label_when_girths_say_nothing() -> None:
    chart = size_chart({"chest_cm": 96.0})
    advice = size_advice(chart, body_cm={"hips_cm": 100.0}, preferred_size="m")
    assert (advice.label, advice.reason, advice.basis) == ("M", "your size: M", "declared size")
    sold_out = size_chart({"chest_cm": 96.0}, stock={"S": 1, "L": 1})
    assert not size_advice(sold_out, body_cm={}, preferred_size="M").fits
    # A chart without their label at all (one size) neither fits nor excludes.
    one_size = [{"label": "One size", "stock": 4}]
    advice = size_advice(one_size, body_cm={}, preferred_size="M")
    assert advice.fits and advice.label == ""


def test_estimated_girths_say_so() -> None:
    chart = size_chart({"chest_cm": 96.0})
    advice = size_advice(chart, body_cm={"chest_cm": 95.0}, estimated=True, category="top")
    assert advice.reason == "your size: M (estimated from your photo)"
