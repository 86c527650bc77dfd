"""The administrator's pages for the other publishers' feeds the worker follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.directory import following
from joinedup.directory.forms import FeedChangeForm, FeedForm
from joinedup.errors import ApplicationError
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


@login_required
@not_found_as_404
def feeds(request: AuthedRequest) -> HttpResponse:
    followed = following.feeds_list(user=request.user)
    form = FeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        feed = call_service(form, following.feed_register, actor=request.user, **form.cleaned_data)
        if feed is not None:
            messages.success(request, f"Following {feed.publisher}'s feed: imported soon.")
            return redirect("directory:feed", feed.pk)
    return render(request, "directory/feeds.html", {"form": form, "feeds": list(followed)})


@login_required
@not_found_as_404
def feed_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    feed = following.feed_get(user=request.user, feed_id=pk)
    initial = {"publisher": feed.publisher, "every_hours": str(feed.every_hours or 0)}
    form = FeedChangeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form, following.feed_change, actor=request.user, feed_id=pk, **form.cleaned_data
        )
        if changed is not None:
            messages.success(request, "Feed changed.")
            return redirect("directory:feed", pk)
    runs = following.feed_runs(feed=feed)
    return render(
        request,
        "directory/feed.html",
        {"feed": feed, "form": form, "runs": runs, "open": any(r.is_open for r in runs)},
    )


@login_required
@not_found_as_404
def feed_import_now(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        # Security: asked first (a refusal is audited as for any page), then back to the feed.
        following.feed_get(user=request.user, feed_id=pk)
        return redirect("directory:feed", pk)
    try:
        following.feed_import_now(actor=request.user, feed_id=pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The import has started.")
    return redirect("directory:feed", pk)
