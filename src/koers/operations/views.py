from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from koers.operations.health import check_health


@never_cache
@require_safe
def health(request):
    """The database, the file storage and the job workers (``koers.operations.health``):
    200 when the installation serves pages, 503 when the database or the storage fails,
    or, with ``?workers=required``, when no worker has beaten within its lease. No login,
    no session."""
    result = check_health()
    required = request.GET.get("workers") == "required"
    return JsonResponse(result.as_json(), status=result.http_status(workers_required=required))
