"""The logged-in shopper's own profile: read it, change it, download all of it, or erase it
with everything."""

from django.contrib.auth import logout
from django.http import FileResponse
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.rate_limits import RateLimited, rate_limit_consume
from lifecycle.services import shopper_erase
from privacy.models import ErasureRecord
from shop.account_views import shopper_data_export_response
from shoppers.selectors import shopper_or_404
from shoppers.services import shopper_profile_update


class ShopperMeApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
        contact_email = serializers.EmailField(required=False, allow_blank=True)
        email_notifications = serializers.BooleanField(required=False)
        measurements = serializers.DictField(required=False)

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        display_name = serializers.CharField()
        contact_email = serializers.CharField()
        email_notifications = serializers.BooleanField()
        measurements = serializers.DictField()
        photo_count = serializers.IntegerField(source="photos.count")

    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(shopper_or_404(request)).data)

    def patch(self, request: Request) -> Response:
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        shopper = shopper_profile_update(shopper=shopper_or_404(request), **payload.validated_data)
        return Response(self.OutputSerializer(shopper).data)

    def delete(self, request: Request) -> Response:
        """Erase the shopper's account and all their data, then end this session."""
        shopper_erase(shopper=shopper_or_404(request), channel=ErasureRecord.Channel.API)
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShopperExportApi(APIView):
    """GET: a ZIP of everything stored about the shopper (as the profile page's button gives);
    counted against the ``data_export`` limits, 429 with Retry-After over them."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response | FileResponse:
        shopper = shopper_or_404(request)
        try:
            rate_limit_consume(
                action="data_export",
                user_id=request.user.pk,
                address=request.META.get("REMOTE_ADDR", ""),
            )
        except RateLimited as exc:
            return Response(
                {"message": exc.message, "code": exc.code, "extra": exc.extra},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(exc.retry_after_s)},
            )
        return shopper_data_export_response(shopper)
