"""The words the houses share: garment categories, try-on stages, interaction kinds, error codes.

Each list exists once; the storefront's Django choices that restate one for their labels are
checked against it by tests.
"""

from typing import Literal, get_args

#: What a garment is, for the renderer, the recommender's fit and the catalogue.
GarmentCategory = Literal["top", "bottom", "dress", "outerwear"]
CATEGORIES: tuple[str, ...] = get_args(GarmentCategory)

#: The stages of a try-on a shopper sees, in order: the storefront's first and last, the
#: worker's in between (what it reports as it goes).
STAGES = ("queued", "finding_pose", "fitting_garment", "rendering", "done")
WORKER_STAGES = STAGES[1:-1]

#: What a shopper did with a garment. A ``return`` is the one negative signal: it steers taste
#: away and adds no popularity.
InteractionKind = Literal["view", "tryon", "like", "add_to_cart", "purchase", "return"]
INTERACTION_KINDS: tuple[str, ...] = get_args(InteractionKind)

#: Why a worker failed a job or a message, besides a picture it refused (INPUT_ERROR_CODES):
#: a file gone from storage, a fault on our side, too slow, a message it could not read.
WORKER_ERROR_CODES = ("input_missing", "internal_error", "timeout", "message_invalid")

#: Every code a refusal of a picture may carry (vision.errors.ImageInputError); permanent:
#: the same pictures give the same answer, so nobody retries them.
INPUT_ERROR_CODES = (
    "unreadable_image",
    "image_too_large",
    "no_person",
    "several_people",
    # A face close-up: no body to put a garment on.
    "face_only",
    "person_too_small",
    "body_part_not_visible",
    "garment_unreadable",
    "garment_not_found",
    # The renderer's own checks say the picture would not be convincing: the message says
    # what to change.
    "result_unconvincing",
)
