from django.urls import path

from joinedup.directory import views, views_feeds, views_oruk

app_name = "directory"

urlpatterns = [
    path("services/", views.service_search, name="search"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/edit/", views.service_edit, name="service-edit"),
    path(
        "episodes/<int:episode_pk>/referrals/new/<int:pk>/",
        views.referral_new,
        name="referral-new",
    ),
    # A request for support the front door signposted: ?service= names the service.
    path("requests/<int:pk>/refer/", views.request_referral_new, name="request-referral-new"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/update/", views.referral_update, name="referral-update"),
    path("referral-link/<str:token>/", views.link_page, name="link"),
    path("partnership-health/referrals/", views.referral_rates, name="rates"),
    path("service-feeds/", views_feeds.feeds, name="feeds"),
    path("service-feeds/<int:pk>/", views_feeds.feed_detail, name="feed"),
    path("service-feeds/<int:pk>/import/", views_feeds.feed_import_now, name="feed-import"),
    path("oruk/", views_oruk.index, name="oruk"),
    path("oruk/services", views_oruk.services),
    path("oruk/services/<str:oruk_id>", views_oruk.service),
    path("oruk/service_at_locations", views_oruk.service_at_locations),
    path("oruk/service_at_locations/<str:oruk_id>", views_oruk.service_at_location),
    path("oruk/taxonomies", views_oruk.taxonomies),
    path("oruk/taxonomy_terms", views_oruk.taxonomy_terms),
    path("oruk/organizations", views_oruk.organisations),
]
