"""The catalogue's feed to the recommender: what it may know of each garment, sent (by task
name, on its own queue) when a garment is created, changed or removed."""

from catalog.models import Garment, GarmentImage
from contracts import recommender as contract
from contracts.queues import GARMENT_REMOVE_TASK, GARMENT_UPSERT_TASK, RECOMMENDER_QUEUE
from core.queue_send import send_after_commit


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
    send_after_commit(
        GARMENT_UPSERT_TASK, garment_document(garment=garment), queue=RECOMMENDER_QUEUE
    )


def garment_unpublish(*, garment_id: int) -> None:
    """Tell the recommender a garment is gone."""
    send_after_commit(
        GARMENT_REMOVE_TASK, contract.GarmentRemoval(garment_id=garment_id), queue=RECOMMENDER_QUEUE
    )
