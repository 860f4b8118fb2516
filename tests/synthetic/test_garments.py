"""Tests for the procedural flat-lay garment renderer used by the demo catalogue.

Plain pytest, no Django: the module under test only uses numpy and Pillow.
Sizes are kept small (150x200) so the full category x kind x pattern sweep stays fast.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from synthetic.garments import KINDS, PATTERNS, GarmentArtSpec, render_garment, render_garment_mask

W, H = 150, 200
ALL_KINDS = [(category, kind) for category, kinds in KINDS.items() for kind in kinds]


def _mask(category: str, kind: str, **kwargs) -> np.ndarray:
    spec = GarmentArtSpec(category, kind, (90, 120, 160), **kwargs)
    return np.asarray(render_garment_mask(spec, width=W, height=H)) > 0


def _row_extent(row: np.ndarray) -> int:
    xs = np.flatnonzero(row)
    return int(xs[-1] - xs[0] + 1) if xs.size else 0


def _garment_rows(mask: np.ndarray) -> tuple[int, int]:
    ys = np.flatnonzero(mask.any(axis=1))
    return int(ys[0]), int(ys[-1])


def test_catalogue_vocabulary() -> None:
    assert set(KINDS) == {"top", "bottom", "dress", "outerwear"}
    assert KINDS["top"] == ("t-shirt", "long-sleeve", "tank-top", "shirt")
    assert KINDS["bottom"] == ("trousers", "shorts", "skirt")
    assert KINDS["dress"] == ("shift-dress", "a-line-dress", "maxi-dress")
    assert KINDS["outerwear"] == ("jacket", "coat")
    assert PATTERNS == ("solid", "stripes", "checks", "dots", "floral")


def _assert_corners_near_white(pixels: np.ndarray) -> None:
    k = 8
    for corner in (pixels[:k, :k], pixels[:k, -k:], pixels[-k:, :k], pixels[-k:, -k:]):
        assert corner.min() >= 228
        # Neutral backdrop, not tinted by the garment.
        assert (corner.max(axis=-1) - corner.min(axis=-1)).max() <= 12


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize(("category", "kind"), ALL_KINDS)
def test_every_combination_renders_rgb_at_requested_size(
    category: str, kind: str, pattern: str
) -> None:
    colour = (60, 120, 200)
    spec = GarmentArtSpec(category, kind, colour, pattern=pattern, seed=7)
    image = render_garment(spec, width=W, height=H)
    assert isinstance(image, Image.Image)
    assert image.mode == "RGB"
    assert image.size == (W, H)
    pixels = np.asarray(image).astype(int)
    # Something was actually drawn, on a clean near-white backdrop.
    assert pixels.std() > 10
    _assert_corners_near_white(pixels)
    if pattern == "solid":
        # The garment colour dominates the garment area (shading is subtle).
        mask = np.asarray(render_garment_mask(spec, width=W, height=H)) > 0
        inside = pixels[mask]
        assert np.abs(np.median(inside, axis=0) - colour).max() <= 12
        assert (np.abs(inside - colour).max(axis=1) <= 40).mean() >= 0.85


def test_render_is_deterministic_for_same_spec_and_size() -> None:
    spec = GarmentArtSpec("dress", "a-line-dress", (200, 60, 90), pattern="floral", seed=42)
    first = render_garment(spec, width=W, height=H)
    second = render_garment(spec, width=W, height=H)
    assert first.tobytes() == second.tobytes()
    assert (
        render_garment_mask(spec, width=W, height=H).tobytes()
        == render_garment_mask(spec, width=W, height=H).tobytes()
    )


def test_seed_varies_pixels_but_not_silhouette() -> None:
    a = GarmentArtSpec("top", "t-shirt", (40, 90, 160), pattern="dots", seed=1)
    b = GarmentArtSpec("top", "t-shirt", (40, 90, 160), pattern="dots", seed=2)
    assert (
        render_garment(a, width=W, height=H).tobytes()
        != render_garment(b, width=W, height=H).tobytes()
    )
    assert (
        render_garment_mask(a, width=W, height=H).tobytes()
        == render_garment_mask(b, width=W, height=H).tobytes()
    )


@pytest.mark.parametrize(("category", "kind"), ALL_KINDS)
def test_mask_is_binary_and_covers_plausible_fraction(category: str, kind: str) -> None:
    spec = GarmentArtSpec(category, kind, (90, 120, 160))
    mask_img = render_garment_mask(spec, width=W, height=H)
    assert mask_img.mode == "L"
    assert mask_img.size == (W, H)
    mask = np.asarray(mask_img)
    assert set(np.unique(mask).tolist()) <= {0, 255}
    assert 0.15 <= (mask > 0).mean() <= 0.75


@pytest.mark.parametrize(("category", "kind"), ALL_KINDS)
def test_garment_is_centred_and_fills_most_of_the_height(category: str, kind: str) -> None:
    mask = _mask(category, kind)
    top, bottom = _garment_rows(mask)
    assert 0.6 <= (bottom - top + 1) / H <= 0.9
    assert abs((top + bottom) / 2 - H / 2) <= 3
    xs = np.flatnonzero(mask.any(axis=0))
    assert abs((xs[0] + xs[-1]) / 2 - W / 2) <= 3


def test_mask_is_aligned_with_the_render() -> None:
    # A vivid red garment: red pixels inside the mask, none outside it.
    spec = GarmentArtSpec("outerwear", "coat", (220, 20, 20))
    pixels = np.asarray(render_garment(spec, width=W, height=H)).astype(int)
    mask = np.asarray(render_garment_mask(spec, width=W, height=H)) > 0
    red = (pixels[..., 0] - pixels[..., 1]) > 100
    assert red[mask].mean() >= 0.9
    assert red[~mask].mean() <= 0.01


@pytest.mark.parametrize(
    "spec",
    [
        GarmentArtSpec("top", "t-shirt", (20, 20, 20)),
        GarmentArtSpec("bottom", "shorts", (250, 250, 250), pattern="checks"),
    ],
)
def test_background_corners_stay_near_white_for_extreme_colours(spec: GarmentArtSpec) -> None:
    _assert_corners_near_white(np.asarray(render_garment(spec, width=W, height=H)).astype(int))


def test_t_shirt_is_wider_at_the_shoulder_line_than_the_waist() -> None:
    mask = _mask("top", "t-shirt")
    top, bottom = _garment_rows(mask)
    height = bottom - top
    shoulder_line = _row_extent(mask[top + int(0.2 * height)])
    waist_line = _row_extent(mask[top + int(0.6 * height)])
    assert shoulder_line > waist_line * 1.25


@pytest.mark.parametrize("kind", ["long-sleeve", "shirt", "tank-top"])
def test_other_tops_silhouettes(kind: str) -> None:
    mask = _mask("top", kind)
    top, bottom = _garment_rows(mask)
    height = bottom - top
    mid = _row_extent(mask[top + int(0.5 * height)])
    hem = _row_extent(mask[top + int(0.9 * height)])
    if kind == "tank-top":
        # No sleeves: the straps/armholes are narrower than the body.
        assert _row_extent(mask[top + 1]) < hem * 0.75
    else:
        # Long sleeves reach out beyond the body on both sides.
        assert mid > hem * 1.2


@pytest.mark.parametrize("kind", ["trousers", "shorts"])
def test_legged_bottoms_have_a_gap_between_the_legs(kind: str) -> None:
    mask = _mask("bottom", kind)
    top, bottom = _garment_rows(mask)
    centre = W // 2
    near_hem = mask[bottom - max(2, (bottom - top) // 20)]
    assert not near_hem[centre - 1 : centre + 2].any()
    assert near_hem[:centre].any()
    assert near_hem[centre:].any()
    # ...while the waistband is one continuous piece.
    waist = mask[top + (bottom - top) // 10]
    assert waist[centre - 1 : centre + 2].all()


def test_skirt_and_dresses_have_no_leg_gap() -> None:
    for category, kind in [("bottom", "skirt"), ("dress", "maxi-dress")]:
        mask = _mask(category, kind)
        _, bottom = _garment_rows(mask)
        assert mask[bottom - 3, W // 2]


def test_explicit_accent_colour_is_used() -> None:
    spec = GarmentArtSpec("top", "tank-top", (245, 245, 240), pattern="stripes", accent=(0, 0, 230))
    pixels = np.asarray(render_garment(spec, width=W, height=H)).astype(int)
    mask = np.asarray(render_garment_mask(spec, width=W, height=H)) > 0
    blue = (pixels[..., 2] - pixels[..., 0] > 120) & mask
    assert 0.15 <= blue.sum() / mask.sum() <= 0.6


@pytest.mark.parametrize(
    ("spec", "mentions"),
    [
        (GarmentArtSpec("hat", "beanie", (1, 2, 3)), ["top", "bottom", "dress", "outerwear"]),
        (GarmentArtSpec("top", "cape", (1, 2, 3)), ["t-shirt", "long-sleeve", "shirt"]),
        (GarmentArtSpec("top", "skirt", (1, 2, 3)), ["tank-top"]),
        (GarmentArtSpec("dress", "maxi-dress", (1, 2, 3), pattern="paisley"), list(PATTERNS)),
    ],
)
def test_unknown_names_raise_value_error_listing_valid_names(
    spec: GarmentArtSpec, mentions: list[str]
) -> None:
    for render in (render_garment, render_garment_mask):
        with pytest.raises(ValueError, match="unknown") as excinfo:
            render(spec, width=W, height=H)
        for name in mentions:
            assert name in str(excinfo.value)


@pytest.mark.parametrize("colour", [(256, 0, 0), (1, 2), (-1, 0, 0), (0.5, 0, 0)])
def test_bad_colours_raise_value_error(colour: tuple) -> None:
    with pytest.raises(ValueError, match=r"colour must be an \(r, g, b\)"):
        render_garment(GarmentArtSpec("top", "t-shirt", colour), width=W, height=H)
    with pytest.raises(ValueError, match=r"accent must be an \(r, g, b\)"):
        render_garment(
            GarmentArtSpec("top", "t-shirt", (1, 2, 3), pattern="dots", accent=colour),
            width=W,
            height=H,
        )


def test_too_small_size_raises_value_error() -> None:
    with pytest.raises(ValueError, match="at least"):
        render_garment(GarmentArtSpec("top", "t-shirt", (1, 2, 3)), width=4, height=4)
