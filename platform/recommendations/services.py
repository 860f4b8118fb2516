"""The storefront's side of recommendations: publish catalogue and shopper signals to the
recommender (by task name, on its own queue), and apply the suggestions it sends back."""

import logging
from datetime import datetime

from celery import current_app
from django.db import transaction
from django.utils import timezone

from catalog.models import Garment, GarmentImage
from notifications.services import live_publish
from privacy.worker_keys import blob_key_for_worker
from recommendations.models import Interaction, SuggestionSet
from recommender import messages as contract
from shoppers.models import Shopper, ShopperPhoto

logger = logging.getLogger(__name__)


def _send(task: str, message: contract._Message) -> None:
    """Queue a message for the recommender once the current transaction commits."""
    payload = message.to_dict()
    transaction.on_commit(lambda: current_app.send_task(task, kwargs=payload, queue=contract.QUEUE))


def garment_document(*, garment: Garment) -> contract.GarmentDocument:
    """The catalogue facts the recommender may know of a garment."""
    images = [i for i in garment.images.all() if i.role == GarmentImage.Role.PRODUCT]
    images = images or list(garment.images.all())
    return contract.GarmentDocument(
        garment_id=garment.pk,
        category=garment.category,
        name=garment.name,
        description=garment.description,
        colour=garment.colour,
        material=garment.material,
        style_tags=list(garment.style_tags),
        price=float(garment.price),
        sizes=[
            {
                "label": size.label,
                "stock": size.stock,
                **{
                    f: float(getattr(size, f)) if getattr(size, f) is not None else None
                    for f in ("chest_cm", "waist_cm", "hips_cm", "length_cm")
                },
            }
            for size in garment.sizes.all()
        ],
        image_key=images[0].image.name if images else "",
        active=garment.is_active,
    )


def garment_publish(*, garment: Garment) -> None:
    """Tell the recommender a garment was created or changed (stock included)."""
    _send(contract.GARMENT_UPSERT_TASK, garment_document(garment=garment))


def garment_unpublish(*, garment_id: int) -> None:
    """Tell the recommender a garment is gone."""
    _send(contract.GARMENT_REMOVE_TASK, contract.GarmentRemoval(garment_id=garment_id))


def shopper_profile_publish(*, shopper: Shopper, photo: ShopperPhoto | None = None) -> None:
    """Send declared measurements (and a photo to estimate the body shape from, if given)."""
    declared = dict(shopper.measurements or {})
    preferred_size = str(declared.pop("preferred_size", ""))
    photo_blob = photo_key = ""
    if photo is not None:
        photo_blob = photo.blob_name
        photo_key = blob_key_for_worker(blob_name=photo.blob_name, bound_to=shopper.pseudonym)
    _send(
        contract.PROFILE_UPDATE_TASK,
        contract.ProfileUpdate(
            subject=shopper.pseudonym,
            measurements={k: float(v) for k, v in declared.items()},
            preferred_size=preferred_size,
            photo_blob=photo_blob,
            photo_key=photo_key,
        ),
    )


def shopper_forget_publish(*, pseudonym: str) -> None:
    """Tell the recommender to erase everything it holds under an erased shopper's pseudonym.

    Sent once the erasure commits (as every message here), so a rolled-back erasure forgets
    nothing.
    """
    _send(contract.FORGET_TASK, contract.Forget(subject=pseudonym))


def interaction_record(*, shopper: Shopper, garment: Garment, kind: str) -> Interaction:
    """Store an interaction and pass it on (by pseudonym) to update the shopper's taste."""
    interaction = Interaction.objects.create(shopper=shopper, garment=garment, kind=kind)
    _send(
        contract.INTERACTION_TASK,
        contract.Interaction(
            subject=shopper.pseudonym,
            garment_id=garment.pk,
            kind=kind,
            at=interaction.created_at.isoformat(),
        ),
    )
    return interaction


@transaction.atomic
def suggestion_set_apply(*, event: contract.SuggestionSet) -> SuggestionSet | None:
    """Store the suggestions the recommender computed; older answers never replace newer."""
    shopper = Shopper.objects.filter(pseudonym=event.subject).first()
    if shopper is None:
        logger.info("suggestions for an unknown or erased shopper dropped")
        return None
    generated = datetime.fromisoformat(event.generated_at) if event.generated_at else timezone.now()
    current = SuggestionSet.objects.select_for_update().filter(shopper=shopper).first()
    if current and current.generated_at and current.generated_at > generated:
        return current
    record, _ = SuggestionSet.objects.update_or_create(
        shopper=shopper,
        defaults={
            "items": event.items,
            "body_shape": event.body_shape,
            "body_shape_reason": event.body_shape_reason,
            "strategy": event.strategy,
            "notice": event.notice,
            "generated_at": generated,
        },
    )
    shopper_id = shopper.pk
    transaction.on_commit(
        lambda: live_publish(shopper_id=shopper_id, payload={"type": "suggestions"})
    )
    return record
