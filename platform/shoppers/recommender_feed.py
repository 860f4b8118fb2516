"""A shopper's feed to the recommender: declared measurements and the photo to estimate the
body shape from, under the shopper's pseudonym and sealed for the worker."""

from contracts import recommender as contract
from contracts.queues import PROFILE_UPDATE_TASK, RECOMMENDER_QUEUE
from contracts.sealing import fields_seal
from core.queue_send import send_after_commit
from privacy.worker_keys import blob_key_for_worker, worker_transport_key
from shoppers.models import Shopper, ShopperPhoto


def shopper_profile_publish(
    *, shopper: Shopper, photo: ShopperPhoto | None = None, photo_removed: bool = False
) -> None:
    """Send declared measurements (and a photo to estimate the body shape from, if given;
    ``photo_removed``: the last photo is gone, so is what was estimated from it)."""
    declared = dict(shopper.measurements or {})
    preferred_size = str(declared.pop("preferred_size", ""))
    photo_blob = photo_key = ""
    if photo is not None:
        photo_blob = photo.blob_name
        photo_key = blob_key_for_worker(blob_name=photo.blob_name, bound_to=shopper.pseudonym)
    # Sealed: the message waits in Redis, whose append-only file is on disk and outlives the
    # message; only a worker with the transport key reads the measurements.
    sealed = fields_seal(
        {
            "measurements": {k: float(v) for k, v in declared.items()},
            "preferred_size": preferred_size,
        },
        transport_key=worker_transport_key(),
        subject=shopper.pseudonym,
    )
    send_after_commit(
        PROFILE_UPDATE_TASK,
        contract.ProfileUpdate(
            subject=shopper.pseudonym,
            sealed=sealed,
            photo_blob=photo_blob,
            photo_key=photo_key,
            photo_removed=photo_removed,
        ),
        queue=RECOMMENDER_QUEUE,
    )
