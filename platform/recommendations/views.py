"""'Suggested for you': the page and the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors import garment_list_public
from recommendations.selectors import suggestions_for
from recommendations.services import garment_like as garment_like_service
from shoppers.selectors import shopper_or_404


@login_required
def suggestions_page(request: HttpRequest) -> HttpResponse:
    """All suggestions; ``?partial=1`` returns just the cards (for live refresh)."""
    if request.GET.get("partial") == "1":
        view = suggestions_for(shopper=shopper_or_404(request), limit=6)
        return render(request, "recommendations/_cards.html", {"suggestions": view})
    view = suggestions_for(shopper=shopper_or_404(request), limit=24)
    return render(request, "recommendations/suggestions.html", {"suggestions": view})


LIKED_MESSAGE = "Liked. Your suggestions will include more like it."
ALREADY_LIKED_MESSAGE = "You already like this garment."


@login_required
@require_POST
def garment_like(request: HttpRequest, garment_id: int) -> HttpResponse:
    """*Like*: a form post answered by a redirect back with a message, or JSON for the page's
    script (``Accept: application/json``), which updates the button in place."""
    garment = get_object_or_404(garment_list_public(), pk=garment_id)
    new = garment_like_service(shopper=shopper_or_404(request), garment=garment)
    message = LIKED_MESSAGE if new else ALREADY_LIKED_MESSAGE
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"liked": True, "message": message})
    messages.success(request, message)
    return redirect("catalog:garment_detail", garment_id=garment.pk)


class SuggestionListApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        garment_id = serializers.IntegerField(source="garment.pk")
        name = serializers.CharField(source="garment.name")
        size = serializers.CharField()
        reasons = serializers.ListField(child=serializers.CharField())

    def get(self, request: Request) -> Response:
        view = suggestions_for(shopper=shopper_or_404(request))
        return Response(
            {
                "strategy": view.strategy,
                "body_shape": view.body_shape,
                "body_shape_reason": view.body_shape_reason,
                "notice": view.notice,
                "items": self.OutputSerializer(view.items, many=True).data,
            }
        )
