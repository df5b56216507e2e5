from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from .models import Job
from .services import jobs_fail_stale


def _own_job(request, pk):
    # A job is its owner's alone: anyone else's job is a 404, like an out-of-scope record.
    jobs_fail_stale(jobs=Job.objects.filter(pk=pk, owner=request.user))
    return get_object_or_404(Job, pk=pk, owner=request.user)


@login_required
def job_list(request):
    jobs_fail_stale(jobs=Job.objects.filter(owner=request.user))
    jobs = Job.objects.filter(owner=request.user)[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    template = "jobs/_job_status.html" if request.headers.get("HX-Request") else "jobs/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = _own_job(request, pk)
    if not job.file:
        raise Http404("No file")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name or job.file.name)
