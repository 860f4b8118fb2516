"""Test data made through the real services: garments with images, shoppers."""

import io
from decimal import Decimal

from catalog.models import Garment, GarmentSize, Merchant
from catalog.services import garment_image_add
from shoppers.models import Shopper
from shoppers.services import shopper_sign_up
from synthetic.garments import GarmentArtSpec, render_garment

RED = (200, 30, 40)


def garment_png(
    *, category: str = "top", kind: str = "t-shirt", colour=RED, size=(300, 400)
) -> bytes:
    """A procedural product shot as PNG bytes."""
    art = render_garment(
        GarmentArtSpec(category=category, kind=kind, colour=colour), width=size[0], height=size[1]
    )
    buffer = io.BytesIO()
    art.save(buffer, format="PNG")
    return buffer.getvalue()


def garment_create(
    *, name: str = "Red tee", sku: str = "TEE-RED", merchant_slug: str = "atelier", colour=RED
) -> Garment:
    """A top in stock (size M) with one procedural product image, through the intake."""
    merchant, _ = Merchant.objects.get_or_create(slug=merchant_slug, defaults={"name": "Atelier"})
    garment = Garment.objects.create(
        merchant=merchant, sku=sku, name=name, category="top", price=Decimal("20.00")
    )
    GarmentSize.objects.create(garment=garment, label="M", stock=3, chest_cm=96)
    garment_image_add(garment=garment, upload=garment_png(colour=colour))
    return garment


def shopper_create(*, username: str = "ada", notifications: bool = True) -> Shopper:
    """Ada, who wants an e-mail when her picture is ready."""
    return shopper_sign_up(
        username=username,
        password="correct horse battery",
        display_name="Ada Lovelace",
        contact_email=f"{username}@example.org",
        email_notifications=notifications,
    )
