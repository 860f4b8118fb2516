"""Write paths for shoppers: sign-up, profile changes, photos."""

import re
from typing import Any, BinaryIO

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from catalog.models import SIZE_LABELS
from contracts.envelope import PHOTO_CONTEXT, PHOTO_THUMB_CONTEXT
from core.exceptions import ApplicationError
from core.image_intake import image_intake, intake_limits_from_settings
from privacy.pseudonyms import pseudonym_for
from privacy.sealed_files import (
    sealed_file_delete,
    sealed_file_key_id,
    sealed_file_read,
    sealed_file_save,
)
from shoppers.models import MEASUREMENT_RANGES_CM, Shopper, ShopperPhoto
from shoppers.photo_check import shopper_photo_person_check
from shoppers.recommender_feed import shopper_profile_publish

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 150  # the auth user model's column
# Django's own username characters (UnicodeUsernameValidator): letters, digits and @.+-_.
USERNAME_PATTERN = re.compile(r"^[\w.@+-]+\Z")
USERNAME_RULES = (
    f"{USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters: letters, digits and "
    "@ . + - _ only, no spaces."
)


def username_validate(username: str) -> None:
    """Raise ApplicationError (code ``invalid_username``) naming the rule a username breaks.

    Checked before the database sees it: the user model's own validator would otherwise
    raise inside the sign-up's transaction, which the page showed as a server error.
    """
    if len(username) < USERNAME_MIN_LENGTH:
        problem = f"Usernames need at least {USERNAME_MIN_LENGTH} characters."
    elif len(username) > USERNAME_MAX_LENGTH:
        problem = f"Usernames may have at most {USERNAME_MAX_LENGTH} characters."
    elif any(character.isspace() for character in username):
        problem = "Usernames cannot contain spaces."
    elif not USERNAME_PATTERN.match(username):
        problem = "Usernames may contain only letters, digits and the characters @ . + - _."
    else:
        return
    raise ApplicationError(f"{problem} A username has {USERNAME_RULES}", code="invalid_username")


def shopper_sign_up(
    *,
    username: str,
    password: str,
    contact_email: str = "",
    display_name: str = "",
    email_notifications: bool = False,
) -> Shopper:
    """Create a login and its shopper profile."""
    user_model = get_user_model()
    username = username.strip()
    username_validate(username)
    if user_model.objects.filter(username__iexact=username).exists():
        raise ApplicationError("That username is taken.", code="username_taken")
    user = user_model(username=username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="weak_password") from exc
    try:
        # Whatever the model still refuses is the person's input, never a server error.
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="invalid_username") from exc
    with transaction.atomic():
        user.set_password(password)
        user.save()
        return shopper_profile_create(
            user=user,
            display_name=display_name,
            contact_email=contact_email,
            email_notifications=email_notifications,
        )


def shopper_profile_create(
    *,
    user: AbstractBaseUser,
    display_name: str = "",
    contact_email: str = "",
    email_notifications: bool = False,
) -> Shopper:
    """The shopper profile of ``user``, with its pseudonym (made from the row id)."""
    with transaction.atomic():
        shopper = Shopper(user=user)
        _apply_profile(
            shopper,
            display_name=display_name,
            contact_email=contact_email,
            email_notifications=email_notifications,
        )
        shopper.save()
        shopper.pseudonym = pseudonym_for(subject=f"shopper:{shopper.pk}")
        shopper.save(update_fields=["pseudonym"])
    return shopper


def shopper_profile_update(
    *,
    shopper: Shopper,
    display_name: str | None = None,
    contact_email: str | None = None,
    email_notifications: bool | None = None,
    measurements: dict[str, Any] | None = None,
) -> Shopper:
    """Change any of the profile fields given (None leaves a field as it is)."""
    _apply_profile(
        shopper,
        display_name=display_name,
        contact_email=contact_email,
        email_notifications=email_notifications,
    )
    if measurements is not None:
        shopper.measurements = measurements_clean(measurements)
    shopper.save()
    if measurements is not None:
        shopper_profile_publish(shopper=shopper)
    return shopper


def measurements_clean(raw: dict[str, Any]) -> dict[str, float | str]:
    """Keep known measurements as numbers in a human range; refuse anything else plainly."""
    cleaned: dict[str, float | str] = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        if key == "preferred_size":
            if value not in SIZE_LABELS:
                raise ApplicationError(f"Unknown size {value!r}.", code="bad_measurement")
            cleaned[key] = value
            continue
        if key not in MEASUREMENT_RANGES_CM:
            raise ApplicationError(f"Unknown measurement {key!r}.", code="unknown_measurement")
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ApplicationError(
                f"{key.replace('_cm', '')} must be a number of centimetres.", code="bad_measurement"
            ) from exc
        low, high = MEASUREMENT_RANGES_CM[key]
        if not low <= number <= high:
            raise ApplicationError(
                f"{key.replace('_cm', '')} must be between {low:.0f} and {high:.0f} cm.",
                code="bad_measurement",
            )
        cleaned[key] = round(number, 1)
    return cleaned


def shopper_photo_add(*, shopper: Shopper, upload: bytes | BinaryIO) -> ShopperPhoto:
    """Take a photo through the image intake, check it shows one person try-on can dress, and
    store it (and its thumbnail) encrypted. A refused photo (ApplicationError) stores nothing."""
    image = image_intake(upload, limits=intake_limits_from_settings(), label="Your photo")
    shopper_photo_person_check(image.content)
    blob_name = sealed_file_save(content=image.content, folder="photos", context=PHOTO_CONTEXT)
    thumb_name = sealed_file_save(
        content=image.thumbnails["medium"], folder="photos", context=PHOTO_THUMB_CONTEXT
    )
    try:
        photo = ShopperPhoto(
            shopper=shopper,
            blob_name=blob_name,
            thumbnail_blob_name=thumb_name,
            width=image.width,
            height=image.height,
            key_id=sealed_file_key_id(blob_name),
        )
        photo.full_clean()
        # Only the row in a transaction: the work above ran outside any (a caller's request
        # transaction aside), so the write lock is held for milliseconds, not seconds.
        with transaction.atomic():
            photo.save()
            shopper_profile_publish(shopper=shopper, photo=photo)
    except Exception:
        # Never leave ciphertext behind without a row pointing at it.
        sealed_file_delete(blob_name)
        sealed_file_delete(thumb_name)
        raise
    return photo


def shopper_photo_read(*, photo: ShopperPhoto, thumbnail: bool = False) -> bytes:
    """The decrypted canonical image (or its thumbnail) of a photo."""
    if thumbnail:
        return sealed_file_read(photo.thumbnail_blob_name, context=PHOTO_THUMB_CONTEXT)
    return sealed_file_read(photo.blob_name, context=PHOTO_CONTEXT)


def _apply_profile(
    shopper: Shopper,
    *,
    display_name: str | None,
    contact_email: str | None,
    email_notifications: bool | None,
) -> None:
    if display_name is not None:
        shopper.display_name = display_name.strip()[:200]
    if contact_email is not None:
        contact_email = contact_email.strip()
        if contact_email:
            try:
                validate_email(contact_email)
            except ValidationError as exc:
                raise ApplicationError(
                    "That does not look like an e-mail address.", code="bad_email"
                ) from exc
        shopper.contact_email = contact_email
    if email_notifications is not None:
        if email_notifications and not shopper.contact_email:
            raise ApplicationError(
                "Give an e-mail address to be told by e-mail.", code="email_required"
            )
        shopper.email_notifications = email_notifications
