"""What a team would write without our representations: the comparison views of `make bench`.

Not part of the app: bench/settings.py mounts them beside the real API, under /bench/.

- PlainDetaineeList: a DRF ListAPIView with a ModelSerializer (nested citizenships, name variants
  and channels, prefetched), a django-filter FilterSet and CursorPagination over our models. It
  shows the same rows as our list (the access policy's queryset; the same ordering).
- TokenPing: authenticates the bearer token as the API does and answers 204: the floor under any
  poll, against which the 304 is compared.
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import ChannelMembership, Detainee, NameVariant
from core.access import detainees_visible, viewer_of
from partners.authentication import BearerTokenAuthentication


class PlainNameVariantSerializer(serializers.ModelSerializer):
    class Meta:
        model = NameVariant
        fields = ["name", "script"]


class PlainChannelSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="channel.id")
    name = serializers.CharField(source="channel.name")

    class Meta:
        model = ChannelMembership
        fields = ["id", "name", "role"]


class PlainDetaineeSerializer(serializers.ModelSerializer):
    citizenships = serializers.SerializerMethodField()
    name_variants = PlainNameVariantSerializer(many=True, read_only=True)
    channels = PlainChannelSerializer(many=True, read_only=True, source="channel_memberships")

    class Meta:
        model = Detainee
        fields = [
            "id",
            "case_ref",
            "full_name",
            "name_variants",
            "sex",
            "date_of_birth",
            "citizenships",
            "status",
            "status_since",
            "abducted_at",
            "abduction_place",
            "channels",
            "version",
            "updated_at",
        ]

    def get_citizenships(self, detainee) -> list[str]:
        return sorted(citizenship.country.code for citizenship in detainee.citizenships.all())


class PlainDetaineeFilter(django_filters.FilterSet):
    citizenship = django_filters.CharFilter(method="filter_citizenship")
    status = django_filters.CharFilter()

    class Meta:
        model = Detainee
        fields = ["citizenship", "status"]

    def filter_citizenship(self, queryset, name, value):
        return queryset.filter(citizenships__country=value.upper())


class PlainCursorPagination(CursorPagination):
    ordering = "case_ref"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PlainDetaineeList(generics.ListAPIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]
    serializer_class = PlainDetaineeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlainDetaineeFilter
    pagination_class = PlainCursorPagination

    def get_queryset(self):
        return detainees_visible(viewer_of(self.request.user)).prefetch_related(
            "citizenships", "name_variants", "channel_memberships__channel"
        )


class TokenPing(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []

    def get(self, request):
        return Response(status=204)
