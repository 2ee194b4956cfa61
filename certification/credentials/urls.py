"""URLs for credentials (trainee checklist), certificates (holder pages), the issuer
documents, eligibility letters, and renewal with continuing education."""

from django.urls import path

from . import views, views_issuer, views_letters, views_renewal

credential_patterns = (
    [
        path("", views.credential_list, name="list"),
        path("name/", views.confirm_name, name="confirm_name"),
        path("attest/<slug:code>/", views.attest, name="attest"),
        path("<slug:code>/", views.credential_detail, name="detail"),
        path("<slug:code>/eligibility-letter/", views_letters.issue, name="letter_issue"),
    ],
    "credentials",
)

certificate_patterns = (
    [
        path("<uuid:uuid>/", views.certificate_detail, name="detail"),
        path("<uuid:uuid>/certificate.pdf", views.certificate_pdf, name="pdf"),
        path("<uuid:uuid>/open-badge.json", views_issuer.holder_credential, name="open_badge"),
        path("<uuid:uuid>/linkedin/", views_issuer.linkedin, name="linkedin"),
        path("<uuid:uuid>/visibility/", views_issuer.visibility, name="visibility"),
    ],
    "certificates",
)

issuer_patterns = (
    [
        path("", views_issuer.issuer_profile, name="profile"),
        path("keys/<str:key_id>/", views_issuer.key_document, name="key"),
        path("status/<slug:purpose>/", views_issuer.status_list, name="status_list"),
    ],
    "issuer",
)

letter_patterns = (
    [
        path("", views_letters.letter_list, name="list"),
        path("<id:pk>/letter.pdf", views_letters.letter_pdf, name="pdf"),
        path("<id:pk>/withdraw/", views_letters.withdraw, name="withdraw"),
    ],
    "letters",
)

renewal_patterns = (
    [
        path("", views_renewal.home, name="home"),
        path("records/<id:pk>/delete/", views_renewal.delete_record, name="delete_record"),
        path("records/<id:pk>/evidence/", views_renewal.evidence, name="evidence"),
        path("records/<id:pk>/resubmit/", views_renewal.resubmit_record, name="resubmit"),
        path("review/", views_renewal.review_queue, name="review"),
        path("review/<id:pk>/", views_renewal.review_record, name="review_record"),
        path("<uuid:uuid>/", views_renewal.certificate, name="certificate"),
        path("<uuid:uuid>/renew/", views_renewal.renew, name="renew"),
    ],
    "renewal",
)
