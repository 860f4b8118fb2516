"""``/api/v1/webhook-endpoints/``: the merchant's webhook endpoints, as in the admin.

A new endpoint's signing secret, and a rotated one, are in that one answer only (stored
encrypted, never shown again). Deliveries can be listed and replayed.
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from merchant_api.endpoint import MerchantEndpoint
from merchant_api.schema import problems
from webhooks.events import SUBSCRIBABLE
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.selectors import delivery_list_for_merchant, endpoint_list_for_merchant
from webhooks.services import (
    delivery_replay,
    endpoint_create,
    endpoint_delete,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_test_send,
    endpoint_update,
)

EVENT_CHOICES = [choice.value for choice in SUBSCRIBABLE]
RECENT_DELIVERIES = 50


class EndpointOutput(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()
    description = serializers.CharField()
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES))
    enabled = serializers.BooleanField()
    disabled_reason = serializers.CharField(help_text="Why it was disabled; '' while enabled.")
    created_at = serializers.DateTimeField()


class EndpointWithSecret(EndpointOutput):
    secret = serializers.CharField(help_text="The signing secret: shown in this answer only.")


class DeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField(help_text="The webhook-id header of the delivery.")
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices)
    attempt_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


def _endpoint_output(endpoint: WebhookEndpoint, secret: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": endpoint.public_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "enabled": endpoint.is_enabled,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
    }
    if secret:
        data["secret"] = secret
    return data


def _delivery_output(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "event_id": str(delivery.event.public_id),
        "event_type": delivery.event.type,
        "status": delivery.status,
        "attempt_count": delivery.attempt_count,
        "created_at": delivery.created_at,
    }


def _endpoint_or_404(endpoint: MerchantEndpoint, endpoint_id: str) -> WebhookEndpoint:
    found = endpoint_list_for_merchant(merchant=endpoint.merchant).filter(public_id=endpoint_id)
    if not found.exists():
        raise NotFound("No webhook endpoint with this id.")
    return found.get()


class EndpointInput(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=False
    )
    description = serializers.CharField(max_length=200, required=False, default="")


class WebhookEndpointListApi(MerchantEndpoint):
    @extend_schema(
        operation_id="webhook_endpoints_list", responses={200: EndpointOutput(many=True)}
    )
    def get(self, request: Request) -> Response:
        endpoints = endpoint_list_for_merchant(merchant=self.merchant)
        return Response(EndpointOutput([_endpoint_output(e) for e in endpoints], many=True).data)

    @extend_schema(
        operation_id="webhook_endpoints_create",
        request=EndpointInput,
        responses={201: EndpointWithSecret, **problems(400, 401, 403, 422)},
        summary="Register an endpoint (https, a public address); its secret is shown once",
    )
    def post(self, request: Request) -> Response:
        data = EndpointInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = endpoint_create(merchant=self.merchant, **data.validated_data)
        location = reverse("api_v1_webhook_endpoint_detail", args=[endpoint.public_id])
        return Response(
            EndpointWithSecret(_endpoint_output(endpoint, secret)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class WebhookEndpointDetailApi(MerchantEndpoint):
    class UpdateInput(serializers.Serializer):
        url = serializers.URLField(max_length=500, required=False)
        event_types = serializers.ListField(
            child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=False, required=False
        )
        description = serializers.CharField(max_length=200, required=False)
        enabled = serializers.BooleanField(required=False)

    @extend_schema(operation_id="webhook_endpoints_retrieve", responses={200: EndpointOutput})
    def get(self, request: Request, endpoint_id: str) -> Response:
        return Response(EndpointOutput(_endpoint_output(_endpoint_or_404(self, endpoint_id))).data)

    @extend_schema(
        operation_id="webhook_endpoints_update",
        request=UpdateInput,
        responses={200: EndpointOutput, **problems(400, 401, 403, 404)},
    )
    def patch(self, request: Request, endpoint_id: str) -> Response:
        endpoint = _endpoint_or_404(self, endpoint_id)
        data = self.UpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        enabled = values.pop("enabled", None)
        endpoint = endpoint_update(endpoint=endpoint, **values)
        if enabled is True and not endpoint.is_enabled:
            endpoint = endpoint_enable(endpoint=endpoint)
        elif enabled is False and endpoint.is_enabled:
            endpoint = endpoint_disable(endpoint=endpoint, reason="Disabled by the merchant.")
        return Response(EndpointOutput(_endpoint_output(endpoint)).data)

    @extend_schema(operation_id="webhook_endpoints_destroy", responses={204: None})
    def delete(self, request: Request, endpoint_id: str) -> Response:
        endpoint_delete(endpoint=_endpoint_or_404(self, endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateApi(MerchantEndpoint):
    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret",
        request=None,
        responses={200: EndpointWithSecret, **problems(401, 403, 404)},
        summary="A new secret (shown once); the old one keeps signing during the grace period",
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint = _endpoint_or_404(self, endpoint_id)
        secret = endpoint_secret_rotate(endpoint=endpoint)
        return Response(EndpointWithSecret(_endpoint_output(endpoint, secret)).data)


class WebhookEndpointTestApi(MerchantEndpoint):
    @extend_schema(
        operation_id="webhook_endpoints_test",
        request=None,
        responses={202: DeliveryOutput, **problems(400, 401, 403, 404)},
        summary="Send a webhook.test event to this endpoint",
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        delivery = endpoint_test_send(endpoint=_endpoint_or_404(self, endpoint_id))
        return Response(DeliveryOutput(_delivery_output(delivery)).data, status=202)


class WebhookDeliveryListApi(MerchantEndpoint):
    @extend_schema(
        operation_id="webhook_deliveries_list", responses={200: DeliveryOutput(many=True)}
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        endpoint = _endpoint_or_404(self, endpoint_id)
        deliveries = delivery_list_for_merchant(merchant=self.merchant).filter(endpoint=endpoint)
        recent = [_delivery_output(d) for d in deliveries[:RECENT_DELIVERIES]]
        return Response(DeliveryOutput(recent, many=True).data)


class WebhookDeliveryReplayApi(MerchantEndpoint):
    @extend_schema(
        operation_id="webhook_deliveries_replay",
        request=None,
        responses={202: DeliveryOutput, **problems(401, 403, 404)},
        summary="Send a delivery again (same webhook-id, so a receiver can de-duplicate)",
    )
    def post(self, request: Request, endpoint_id: str, delivery_id: int) -> Response:
        endpoint = _endpoint_or_404(self, endpoint_id)
        delivery = (
            delivery_list_for_merchant(merchant=self.merchant)
            .filter(endpoint=endpoint, pk=delivery_id)
            .first()
        )
        if delivery is None:
            raise NotFound("No delivery with this id to this endpoint.")
        delivery = delivery_replay(delivery=delivery)
        return Response(DeliveryOutput(_delivery_output(delivery)).data, status=202)
