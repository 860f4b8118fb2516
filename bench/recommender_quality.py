"""Recommender quality: Recall@10 and NDCG@10 on held-out interactions, against baselines.

No real shop log exists yet, so the interactions come from a simulator with a known
ground-truth preference model. Everything below is synthetic and says so in the output.

The simulated shop
  A catalogue of garments drawn from six style families (classic, boho, sporty, minimal,
  romantic, edgy: each with its own materials, colours and words), four categories and a
  latent *cut* per garment (wrap, a-line, peplum, structured shoulders, bodycon, ...). The
  cut shows in the style tags of 60% of garments and in the name of 60%: some garments
  never reveal it. Each garment gets a procedural product image (the demo catalogue's
  renderer), a size chart graded XS-XL around a varying size M, random stock (some sizes,
  and some whole garments, sold out) and a latent appeal (some garments are simply liked
  more by everybody).

The simulated shoppers
  Each has a body shape (rectangle 30%, triangle 25%, hourglass 20%, inverted triangle
  15%, oval 10%) with girths to match and a size; 70% declare their girths and size, 30%
  declare nothing. Each has style affinities (a Dirichlet draw over the families) and one or
  two favourite colours.

Ground-truth preference (utility of garment g for shopper s)
  u = 1.2 * style_affinity(s, family(g)) + 0.5 * [colour(g) is a favourite of s]
      + 0.8 * body_affinity(shape(s), cut(g)) + 0.4 * appeal(g) + Gumbel noise (scale 0.5)
  where body_affinity is a graded stylist's table (-1..1) per shape and cut. It follows the
  same dressmaking conventions the recommender encodes (so this part measures whether the
  system applies them, not whether they are true), but graded, over cuts the recommender's
  rules do not all name, and hidden for garments that never mention their cut.

Interactions and split
  Each shopper picks 10-40 garments one after another, without replacement, with
  probability softmax(u); each pick is a view, or (if their size is in stock, with a
  probability rising with u) a try-on, like or purchase, at increasing times over 60 days.
  Per shopper, the earliest 80% of interactions are training data (fed through the
  recommender's real code path: profile_update with what the shopper declared, then each
  interaction); the try-ons, likes and purchases among the latest 20% are held out.

Rankings compared (top 10, the shopper's training garments excluded everywhere)
  recommender: Recommender.suggest, exactly as in production (FAISS, body shape, fit, stock);
  recommender, no body info: the same, for the same shoppers, without their measurements;
  popular: most interacted-with garments in training (in stock);
  popular in size: the same, restricted to garments in stock in the shopper's size;
  random: uniformly random in-stock garments;
  oracle (true utility): the simulator's own noise-free utility, a ceiling for comparison.
  Also a cold-start cohort: fresh shoppers with only a profile (no history), scored against
  everything positive they would do.

Also looks for a public fashion data set shipped inside an installed package, to evaluate
on real interactions too; prints what it found (none, at the time of writing).

Prints the figures and writes bench/results/recommender_quality.json.
"""

import argparse
import logging
import math
import os
import shutil
import site
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from bench.report import machine_info, report_write
from contracts.recommender import GarmentDocument, Interaction, ProfileUpdate
from recommender.service import Recommender
from synthetic.garments import GarmentArtSpec, render_garment

K = 10
SIZES = ("XS", "S", "M", "L", "XL")
SIZE_STEP_CM = 4.0
START = datetime(2026, 9, 1, tzinfo=UTC)

FAMILIES = {
    "classic": {
        "materials": ("wool blend", "cotton twill", "silk"),
        "words": ("classic", "tailored", "timeless"),
        "colours": {"navy": (31, 45, 84), "camel": (190, 150, 100), "white": (245, 245, 240)},
        "patterns": ("solid", "checks"),
    },
    "boho": {
        "materials": ("viscose", "linen", "cotton gauze"),
        "words": ("boho", "floral", "relaxed"),
        "colours": {
            "terracotta": (186, 92, 62),
            "mustard": (214, 164, 46),
            "sage": (143, 163, 133),
        },
        "patterns": ("floral", "solid"),
    },
    "sporty": {
        "materials": ("jersey", "nylon", "stretch cotton"),
        "words": ("sporty", "athletic", "stretch"),
        "colours": {"grey": (130, 130, 135), "red": (200, 30, 40), "black": (30, 30, 32)},
        "patterns": ("stripes", "solid"),
    },
    "minimal": {
        "materials": ("crepe", "organic cotton", "merino"),
        "words": ("minimal", "clean lines", "monochrome"),
        "colours": {"black": (30, 30, 32), "ecru": (226, 214, 190), "grey": (130, 130, 135)},
        "patterns": ("solid",),
    },
    "romantic": {
        "materials": ("chiffon", "lace", "satin"),
        "words": ("romantic", "feminine", "soft"),
        "colours": {"blush": (235, 180, 185), "lilac": (190, 160, 215), "cream": (240, 230, 210)},
        "patterns": ("dots", "floral", "solid"),
    },
    "edgy": {
        "materials": ("faux leather", "denim", "coated cotton"),
        "words": ("edgy", "rock", "distressed"),
        "colours": {"black": (30, 30, 32), "burgundy": (112, 28, 44), "charcoal": (60, 60, 64)},
        "patterns": ("solid", "checks"),
    },
}
# Cuts per category: (cut id, words in tags/names, the renderer's garment kind).
CUTS = {
    "top": [
        ("wrap", "wrap", "long-sleeve"),
        ("peplum", "peplum", "shirt"),
        ("structured", "structured shoulders", "shirt"),
        ("boxy", "boxy", "t-shirt"),
        ("fitted", "fitted", "t-shirt"),
        ("v-neck", "v-neck", "long-sleeve"),
        ("boat-neck", "boat neck", "long-sleeve"),
        ("tunic", "tunic", "shirt"),
        ("puff-sleeve", "puff sleeve", "shirt"),
        ("bodycon", "bodycon", "tank-top"),
    ],
    "bottom": [
        ("a-line", "a-line", "skirt"),
        ("pencil", "pencil", "skirt"),
        ("wide-leg", "wide-leg", "trousers"),
        ("skinny", "skinny", "trousers"),
        ("straight", "straight-leg", "trousers"),
        ("bootcut", "bootcut", "trousers"),
        ("pleated", "pleated", "skirt"),
        ("cargo", "cargo", "shorts"),
    ],
    "dress": [
        ("wrap", "wrap", "a-line-dress"),
        ("fit-and-flare", "fit-and-flare", "a-line-dress"),
        ("bodycon", "bodycon", "shift-dress"),
        ("shift", "shift", "shift-dress"),
        ("empire", "empire waist", "maxi-dress"),
        ("a-line", "a-line", "a-line-dress"),
        ("belted", "belted", "shift-dress"),
        ("flowing", "flowing", "maxi-dress"),
    ],
    "outerwear": [
        ("belted", "belted", "coat"),
        ("structured", "structured shoulders", "jacket"),
        ("cropped", "cropped", "jacket"),
        ("longline", "longline", "coat"),
        ("boxy", "boxy", "jacket"),
        ("wrap", "wrap", "coat"),
    ],
}
NOUNS = {"top": "top", "bottom": "bottoms", "dress": "dress", "outerwear": "jacket"}
# The stylist's table: how well each cut suits each shape (unlisted cuts: 0).
BODY_AFFINITY = {
    "hourglass": {"wrap": 1, "fit-and-flare": 1, "belted": 0.8, "pencil": 0.7, "bodycon": 0.6,
                  "fitted": 0.6, "v-neck": 0.4, "peplum": 0.2, "boxy": -0.8, "tunic": -0.5,
                  "shift": -0.3},
    "triangle": {"structured": 1, "boat-neck": 0.8, "puff-sleeve": 0.8, "a-line": 0.9,
                 "bootcut": 0.7, "wide-leg": 0.5, "fit-and-flare": 0.5, "skinny": -0.7,
                 "pencil": -0.6, "bodycon": -0.6, "cargo": -0.8},
    "inverted triangle": {"a-line": 1, "wide-leg": 1, "pleated": 0.7, "v-neck": 0.6,
                          "peplum": 0.6, "bootcut": 0.5, "fit-and-flare": 0.4,
                          "structured": -0.9, "puff-sleeve": -0.8, "boat-neck": -0.6},
    "rectangle": {"peplum": 1, "belted": 0.9, "wrap": 0.8, "fit-and-flare": 0.7,
                  "cropped": 0.4, "pleated": 0.3, "boxy": -0.6, "shift": -0.3},
    "oval": {"empire": 1, "shift": 0.8, "v-neck": 0.7, "flowing": 0.8, "tunic": 0.7,
             "longline": 0.6, "a-line": 0.5, "straight": 0.4, "belted": -0.7, "bodycon": -0.9,
             "cropped": -0.7, "fitted": -0.5},
}  # fmt: skip
SHAPE_SHARE = {"rectangle": 0.3, "triangle": 0.25, "hourglass": 0.2, "inverted triangle": 0.15,
               "oval": 0.1}  # fmt: skip
# Girths (cm) of size M for each shape: bust, waist, hips.
SHAPE_GIRTHS = {
    "hourglass": (94, 70, 97),
    "triangle": (88, 74, 104),
    "inverted triangle": (102, 80, 93),
    "rectangle": (92, 80, 95),
    "oval": (100, 98, 100),
}
BASE_CHART = {  # girths of size M per category
    "top": {"chest_cm": 94.0},
    "bottom": {"waist_cm": 76.0, "hips_cm": 100.0},
    "dress": {"chest_cm": 94.0, "waist_cm": 78.0, "hips_cm": 100.0},
    "outerwear": {"chest_cm": 98.0},
}


@dataclass
class SimGarment:
    garment_id: int
    category: str
    family: str
    cut: str
    colour: str
    appeal: float
    document: GarmentDocument
    image: np.ndarray


@dataclass
class SimShopper:
    subject: str
    shape: str
    size: str
    girths: dict[str, float]
    declares: bool
    style: dict[str, float]
    colours: set[str]
    interactions: list[tuple[int, str, datetime]] = field(default_factory=list)


def make_catalogue(rng: np.random.Generator, count: int, image_px: int) -> list[SimGarment]:
    garments = []
    categories = list(CUTS)
    for garment_id in range(1, count + 1):
        category = categories[rng.integers(len(categories))]
        family = list(FAMILIES)[rng.integers(len(FAMILIES))]
        spec = FAMILIES[family]
        cut, cut_words, kind = CUTS[category][rng.integers(len(CUTS[category]))]
        colour = list(spec["colours"])[rng.integers(len(spec["colours"]))]
        material = spec["materials"][rng.integers(len(spec["materials"]))]
        pattern = spec["patterns"][rng.integers(len(spec["patterns"]))]
        tags = list(rng.choice(spec["words"], size=2, replace=False))
        if rng.random() < 0.6:
            tags.append(cut_words.replace(" ", "-"))
        noun = NOUNS[category] if category != "bottom" else kind.replace("-", " ")
        if rng.random() < 0.6:
            name = f"{cut_words.capitalize()} {material} {noun}"
        else:
            name = f"{colour.capitalize()} {material} {noun}"
        offset = float(rng.normal(0, 2))
        sold_out = rng.random() < 0.05
        sizes = []
        for position, label in enumerate(SIZES):
            row = {"label": label, "stock": 0 if sold_out or rng.random() < 0.12 else 5}
            for key, value in BASE_CHART[category].items():
                row[key] = round(value + offset + SIZE_STEP_CM * (position - 2), 1)
            sizes.append(row)
        document = GarmentDocument(
            garment_id=garment_id,
            category=category,
            name=name,
            description=f"A {' '.join(spec['words'][:2])} piece in {material}.",
            colour=colour,
            material=material,
            style_tags=tags,
            price=float(rng.integers(20, 200)),
            sizes=sizes,
            image_key=f"garments/{garment_id}.png",
        )
        rgb = spec["colours"][colour]
        accent = (245, 245, 240) if pattern in ("stripes", "dots") else None
        art = GarmentArtSpec(category, kind, rgb, pattern, accent=accent, seed=garment_id)
        image = np.asarray(render_garment(art, width=image_px, height=round(image_px * 4 / 3)))
        garments.append(
            SimGarment(
                garment_id, category, family, cut, colour, float(rng.normal()), document, image
            )
        )
    return garments


def make_shoppers(rng: np.random.Generator, count: int, prefix: str) -> list[SimShopper]:
    shoppers = []
    shapes, shares = list(SHAPE_SHARE), list(SHAPE_SHARE.values())
    for number in range(count):
        shape = shapes[rng.choice(len(shapes), p=shares)]
        size_index = int(rng.choice(5, p=[0.1, 0.25, 0.3, 0.25, 0.1]))
        bust, waist, hips = (
            g + SIZE_STEP_CM * (size_index - 2) + rng.normal(0, 1) for g in SHAPE_GIRTHS[shape]
        )
        weights = rng.dirichlet(np.full(len(FAMILIES), 0.4))
        all_colours = sorted({c for f in FAMILIES.values() for c in f["colours"]})
        favourites = set(rng.choice(all_colours, size=int(rng.integers(1, 3)), replace=False))
        shoppers.append(
            SimShopper(
                subject=f"psn_{prefix}{number:05d}",
                shape=shape,
                size=SIZES[size_index],
                girths={
                    "chest_cm": round(bust, 1),
                    "waist_cm": round(waist, 1),
                    "hips_cm": round(hips, 1),
                },
                declares=rng.random() < 0.7,
                style={f: float(w / weights.max()) for f, w in zip(FAMILIES, weights, strict=True)},
                colours=favourites,
            )
        )
    return shoppers


def utility(shopper: SimShopper, garment: SimGarment) -> float:
    """The ground truth, before noise."""
    return (
        1.2 * shopper.style[garment.family]
        + 0.5 * (garment.colour in shopper.colours)
        + 0.8 * BODY_AFFINITY[shopper.shape].get(garment.cut, 0.0)
        + 0.4 * garment.appeal
    )


def size_in_stock(garment: SimGarment, size: str) -> bool:
    return any(r["label"] == size and r["stock"] > 0 for r in garment.document.sizes)


def simulate(rng: np.random.Generator, shopper: SimShopper, garments: list[SimGarment]) -> None:
    """Fill ``shopper.interactions`` from the ground-truth model (see the module docstring)."""
    base = np.array([utility(shopper, g) for g in garments])
    noisy = base + rng.gumbel(0, 0.5, size=len(garments))
    median = float(np.median(base))
    count = int(rng.integers(10, 41))
    chosen = np.zeros(len(garments), dtype=bool)
    moment = START + timedelta(hours=float(rng.uniform(0, 72)))
    for _ in range(count):
        logits = np.where(chosen, -np.inf, noisy * 2.0)
        probs = np.exp(logits - logits.max())
        pick = int(rng.choice(len(garments), p=probs / probs.sum()))
        chosen[pick] = True
        garment = garments[pick]
        positive = 1 / (1 + math.exp(-2.5 * (noisy[pick] - median - 1.6)))
        kind = "view"
        fits = garment.document.in_stock and size_in_stock(garment, shopper.size)
        if fits and rng.random() < positive:
            kind = str(rng.choice(["tryon", "like", "purchase"], p=[0.5, 0.3, 0.2]))
        shopper.interactions.append((garment.garment_id, kind, moment))
        moment += timedelta(hours=float(rng.exponential(30)))


def split(shopper: SimShopper) -> tuple[list, set[int]]:
    """Earliest 80% for training; positives among the latest 20% held out."""
    cut = max(1, round(0.8 * len(shopper.interactions)))
    train = shopper.interactions[:cut]
    seen = {gid for gid, _, _ in train}
    test = {gid for gid, kind, _ in shopper.interactions[cut:] if kind != "view"} - seen
    return train, test


def popular_in_size(
    order: list[int], shopper: SimShopper, by_id: dict[int, SimGarment], seen: set[int]
) -> list[int]:
    """The popularity ranking, kept to garments in stock in the size the shopper declared."""
    return [
        g
        for g in order
        if g not in seen and (not shopper.declares or size_in_stock(by_id[g], shopper.size))
    ][:K]


def oracle(shopper: SimShopper, garments: list[SimGarment], seen: set[int]) -> list[int]:
    """The ceiling: garments in stock in the shopper's size, by the noise-free ground truth."""
    eligible = [
        g
        for g in garments
        if g.garment_id not in seen and g.document.in_stock and size_in_stock(g, shopper.size)
    ]
    eligible.sort(key=lambda g: -utility(shopper, g))
    return [g.garment_id for g in eligible[:K]]


def recall_ndcg(ranked: list[int], relevant: set[int]) -> tuple[float, float]:
    hits = [1.0 if g in relevant else 0.0 for g in ranked[:K]]
    recall = sum(hits) / len(relevant)
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return recall, dcg / ideal


def profile_of(shopper: SimShopper, *, with_body: bool) -> ProfileUpdate:
    if shopper.declares and with_body:
        return ProfileUpdate(
            subject=shopper.subject, measurements=shopper.girths, preferred_size=shopper.size
        )
    return ProfileUpdate(subject=shopper.subject)


def fashion_datasets_in_packages() -> dict[str, object]:
    """Look through installed packages for a shipped fashion data set (files or modules)."""
    keywords = ("fashion", "polyvore", "deepfashion", "apparel", "outfit", "clothing", "garment")
    data_ext = (".csv", ".json", ".jsonl", ".parquet", ".npz", ".npy", ".gz", ".zip", ".tsv")
    roots = [Path(p) for p in site.getsitepackages()]
    found, scanned = [], 0
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                scanned += 1
                lower = name.lower()
                if lower.endswith(data_ext) and any(k in lower for k in keywords):
                    found.append(str(Path(folder, name).relative_to(root)))
    loaders = [m for m in ("torchvision", "tensorflow_datasets", "datasets") if _importable(m)]
    return {
        "files_scanned": scanned,
        "fashion_data_files": found,
        "dataset_loader_packages": loaders,
        "note": (
            "no installed package ships a fashion data set (sklearn and torch bundle none; "
            "loaders like torchvision.FashionMNIST would download, which this project never does)"
            if not found
            else "candidates found: see fashion_data_files"
        ),
    }


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def evaluate(
    garments: list[SimGarment],
    shoppers: list[SimShopper],
    cold: list[SimShopper],
    data_dir: Path,
    rng: np.random.Generator,
) -> dict[str, object]:
    started = time.perf_counter()
    full = Recommender(data_dir / "full")
    for garment in garments:
        full.garment_upsert(garment.document, garment.image)
    embed_s = time.perf_counter() - started
    # The ablation shares the embedded catalogue: copy the store rather than embed twice.
    shutil.copytree(data_dir / "full", data_dir / "no_body")
    no_body = Recommender(data_dir / "no_body", encoder=full.encoder)

    by_id = {g.garment_id: g for g in garments}
    in_stock = [g.garment_id for g in garments if g.document.in_stock]
    popularity: dict[int, float] = {}
    splits = {}
    for shopper in shoppers:
        train, test = split(shopper)
        splits[shopper.subject] = (train, test)
        for gid, kind, _ in train:
            popularity[gid] = popularity.get(gid, 0.0) + (1.0 if kind == "view" else 3.0)
    popular_order = sorted(in_stock, key=lambda g: -popularity.get(g, 0.0))

    started = time.perf_counter()
    for shopper in shoppers:
        train, _ = splits[shopper.subject]
        full.profile_update(profile_of(shopper, with_body=True))
        no_body.profile_update(profile_of(shopper, with_body=False))
        for gid, kind, moment in train:
            message = Interaction(shopper.subject, gid, kind, moment.isoformat())
            full.interaction(message)
            no_body.interaction(message)
    feed_s = time.perf_counter() - started

    methods = (
        "recommender",
        "recommender, no body info",
        "popular",
        "popular in size",
        "random",
        "oracle (true utility)",
    )
    scores: dict[str, list[tuple[float, float]]] = {m: [] for m in methods}
    now = max(m for s in shoppers for _, _, m in s.interactions).timestamp()
    suggest_s = []
    for shopper in shoppers:
        train, test = splits[shopper.subject]
        if not test:
            continue
        seen = {gid for gid, _, _ in train}
        t0 = time.perf_counter()
        answer = full.suggest(shopper.subject, limit=K, now=now)
        suggest_s.append(time.perf_counter() - t0)
        ranked = {
            "recommender": [i["garment_id"] for i in answer.items],
            "recommender, no body info": [
                i["garment_id"] for i in no_body.suggest(shopper.subject, limit=K, now=now).items
            ],
            "popular": [g for g in popular_order if g not in seen][:K],
            "popular in size": popular_in_size(popular_order, shopper, by_id, seen),
            "random": list(
                rng.choice([g for g in in_stock if g not in seen], size=K, replace=False)
            ),
            "oracle (true utility)": oracle(shopper, garments, seen),
        }
        for method in methods:
            scores[method].append(recall_ndcg(ranked[method], test))

    cold_scores: dict[str, list[tuple[float, float]]] = {
        "recommender (profile only)": [],
        "popular": [],
        "popular in size": [],
        "random": [],
        "oracle (true utility)": [],
    }
    for shopper in cold:
        relevant = {gid for gid, kind, _ in shopper.interactions if kind != "view"}
        if not relevant:
            continue
        full.profile_update(profile_of(shopper, with_body=True))
        ranked = {
            "recommender (profile only)": [
                i["garment_id"] for i in full.suggest(shopper.subject, limit=K, now=now).items
            ],
            "popular": popular_order[:K],
            "popular in size": popular_in_size(popular_order, shopper, by_id, set()),
            "random": list(rng.choice(in_stock, size=K, replace=False)),
            "oracle (true utility)": oracle(shopper, garments, set()),
        }
        for method, ranking in ranked.items():
            cold_scores[method].append(recall_ndcg(ranking, relevant))

    def table(collected: dict[str, list[tuple[float, float]]]) -> dict[str, dict[str, float]]:
        return {
            method: {
                "recall_at_10": round(float(np.mean([r for r, _ in values])), 4),
                "ndcg_at_10": round(float(np.mean([n for _, n in values])), 4),
                "shoppers": len(values),
            }
            for method, values in collected.items()
        }

    return {
        "warm": table(scores),
        "cold_start": table(cold_scores),
        "timing_s": {
            "embed_catalogue": round(embed_s, 1),
            "feed_profiles_and_interactions_twice": round(feed_s, 1),
            "suggest_p50_ms": round(float(np.percentile(suggest_s, 50)) * 1000, 1),
            "suggest_p99_ms": round(float(np.percentile(suggest_s, 99)) * 1000, 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--garments", type=int, default=600)
    parser.add_argument("--shoppers", type=int, default=400)
    parser.add_argument("--cold-shoppers", type=int, default=150)
    parser.add_argument("--image-px", type=int, default=120)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--name", default="recommender_quality")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    rng = np.random.default_rng(args.seed)

    print("SIMULATED DATA: no real shop log exists; interactions come from the simulator")
    print("described in this script's docstring (ground truth = style + colour + body-shape")
    print("affinities + garment appeal + Gumbel noise; per-shopper time split 80/20).\n")
    datasets = fashion_datasets_in_packages()
    print(f"Public fashion data sets inside installed packages: {datasets['note']}\n")

    started = time.perf_counter()
    garments = make_catalogue(rng, args.garments, args.image_px)
    shoppers = make_shoppers(rng, args.shoppers, "w")
    cold = make_shoppers(rng, args.cold_shoppers, "c")
    for shopper in [*shoppers, *cold]:
        simulate(rng, shopper, garments)
    simulate_s = time.perf_counter() - started
    interactions = sum(len(s.interactions) for s in shoppers)
    positives = sum(k != "view" for s in shoppers for _, k, _ in s.interactions)
    print(
        f"simulated {len(garments)} garments, {len(shoppers)} shoppers with {interactions} "
        f"interactions ({positives} try-on/like/purchase), {len(cold)} cold-start shoppers "
        f"in {simulate_s:.1f} s",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="recommender-quality-") as folder:
        results = evaluate(garments, shoppers, cold, Path(folder), rng)

    for cohort, title in (("warm", "held-out interactions"), ("cold_start", "cold start")):
        print(f"\n{title}: Recall@{K} / NDCG@{K}")
        for method, figures in results[cohort].items():
            print(
                f"  {method:28s} {figures['recall_at_10']:.4f} / {figures['ndcg_at_10']:.4f}"
                f"   ({figures['shoppers']} shoppers)"
            )
    report = {
        "benchmark": args.name,
        "data": "SIMULATED: no real shop log exists. Interactions come from a documented "
        "simulator (bench/recommender_quality.py docstring) whose ground-truth preference is "
        "style affinity + colour + body-shape affinity + garment appeal + Gumbel noise.",
        "public_fashion_datasets": datasets,
        "setup": {
            "garments": args.garments,
            "shoppers": args.shoppers,
            "cold_start_shoppers": args.cold_shoppers,
            "interactions": interactions,
            "positive_interactions": positives,
            "split": "per shopper by time: earliest 80% train, positives of the latest 20% "
            "held out",
            "k": K,
            "seed": args.seed,
        },
        "machine": machine_info(),
        **results,
    }
    report_write(report, name=args.name)


if __name__ == "__main__":
    main()
