"""Storefront pages: the catalogue and a garment."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from catalog.models import Category
from catalog.selectors import garment_list_public
from recommendations.selectors import garment_liked, suggestions_for
from recommendations.services import interaction_view_queue
from shoppers.selectors import shopper_for_user, shopper_photo_list


# The shop's pages only read, so they run outside ATOMIC_REQUESTS' transaction: on SQLite
# (IMMEDIATE transactions) that transaction would take the one write lock just to read, and
# queue every page view behind uploads, sign-ups and the catalogue import.
@transaction.non_atomic_requests
def garment_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category") or None
    if category not in Category.values:
        category = None
    query = request.GET.get("q", "").strip()[:100]
    garments = garment_list_public(category=category, query=query)[:96]
    shopper = shopper_for_user(user=request.user) if request.user.is_authenticated else None
    return render(
        request,
        "catalog/garment_list.html",
        {
            "garments": garments,
            "categories": Category.choices,
            "category": category,
            "query": query,
            "suggestions": suggestions_for(shopper=shopper, limit=6) if shopper else None,
        },
    )


@transaction.non_atomic_requests
def garment_detail(request: HttpRequest, garment_id: int) -> HttpResponse:
    garment = get_object_or_404(garment_list_public(), pk=garment_id)
    shopper = shopper_for_user(user=request.user) if request.user.is_authenticated else None
    photos = shopper_photo_list(shopper=shopper) if shopper else []
    if shopper is not None:
        # Queued, not written: a GET never writes to the database (see the service).
        interaction_view_queue(shopper=shopper, garment=garment)
    liked = garment_liked(shopper=shopper, garment=garment) if shopper else False
    return render(
        request,
        "catalog/garment_detail.html",
        {"garment": garment, "shopper": shopper, "photos": photos, "liked": liked},
    )
