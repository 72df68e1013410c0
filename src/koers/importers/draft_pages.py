"""Pages the three kinds of import draft (plan documents, indicator values, improvement
actions) share."""

from django.shortcuts import render
from django.urls import reverse


def file_missing(request, draft, *, upload: str, discard: str):
    """The draft's file is gone from the storage (restored database, emptied bucket): say
    so, and offer to upload it again (URL name ``upload``) or discard the draft (URL name
    ``discard``); nothing is changed."""
    slug = request.organisation.slug
    context = {
        "draft": draft,
        "upload_url": reverse(upload, kwargs={"org": slug}),
        "discard_url": reverse(discard, kwargs={"org": slug, "pk": draft.pk}),
    }
    return render(request, "imports/file_missing.html", context)
