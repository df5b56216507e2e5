"""The inspections statistics page moved to the one statistics page of every namespace
(``/statistics/?ns=inspections``, portal.assessments): the old address redirects there, keeping
the region and the quarter (now the period), so bookmarks and links in old messages still work."""
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse


@login_required
def figures_page(request):
    query = QueryDict(mutable=True)
    query["ns"] = "inspections"
    if request.GET.get("region"):
        query["region"] = request.GET["region"]
    period = request.GET.get("period") or request.GET.get("quarter")
    if period:
        query["period"] = period
    return redirect(f"{reverse('statistics:index')}?{query.urlencode()}")
