from rest_framework import viewsets
from rest_framework.response import Response

from portal.api import router


class ThingViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([{"thing": "临时"}])


router.register("throwaway-things", ThingViewSet, basename="throwaway-thing")
