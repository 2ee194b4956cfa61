"""Demo site for `seed_demo`: the home page, an about page, branding and support contacts."""

from django.conf import settings
from wagtail.models import Locale, Page, Site

from .models import (
    BrandingSettings,
    HomePage,
    ProviderApproval,
    ProviderSettings,
    StandardPage,
    SupportContact,
    SupportSettings,
)

PROVIDER_APPROVALS = [
    ("NAADAC", "DEMO-212345"),
    ("Pennsylvania Certification Board", "DEMO-PCB-4410"),
]

HOME_INTRO = (
    "<p>Peerpath trains people who use their own recovery to support others. Learn the "
    "craft of peer work (boundaries, ethics, trauma-informed practice and looking after "
    "yourself), log your supervised practice, and earn a certificate employers can check "
    "in seconds.</p>"
)

HOME_BODY = [
    ("heading", {"text": "Learn at your own pace", "level": "h2"}),
    (
        "paragraph",
        "<p>Every lesson saves your place. There are no timers, and every lesson tells you "
        "before it touches on something hard, so you can choose when to read it. You can "
        "take a break at any point and come back to exactly where you were.</p>",
    ),
    (
        "callout",
        {
            "kind": "key_point",
            "title": "Your reflections are yours",
            "text": "<p>Notes you write about your own experience are private. Trainers, "
            "supervisors and administrators cannot read them.</p>",
        },
    ),
    ("heading", {"text": "For employers", "level": "h2"}),
    (
        "paragraph",
        '<p>Every certificate carries a code and a QR code. <a href="/verify/">Check it on '
        "this site</a> without an account to see whether it is valid, expired, revoked or "
        "replaced. Certificates "
        "are aligned to published peer-work frameworks such as the SAMHSA core competencies "
        "and the N.A.P.S. practice guidelines; they are not issued or approved by those "
        "bodies.</p>",
    ),
]

ABOUT_BODY = [
    (
        "paragraph",
        "<p>Peer workers bring something no other role can: the living proof that recovery "
        "happens. That same closeness makes the work demanding. Boundaries blur, "
        "confidentiality has limits, and the stories you hear can stir up your own.</p>"
        "<p>Peerpath is built with that in mind. It teaches the skills that keep peer work "
        "safe and purposeful, records the supervised practice that turns learning into "
        "competence, and issues certificates that say exactly what was achieved.</p>",
    ),
    (
        "quote",
        {
            "quote": "I did not need someone to fix me. I needed someone who had been there "
            "and could show me the way back was real.",
            "attribution": "An illustrative voice, written for Peerpath",
        },
    ),
]

SUPPORT_CONTACTS = [
    # Facts from each service's public listing. Regions in the order learners most often need.
    (
        "United Kingdom",
        "Samaritans",
        "Talk to someone about anything that is troubling you.",
        "116 123",
        "",
        "https://www.samaritans.org",
        "24 hours, every day",
        True,
    ),
    (
        "United Kingdom",
        "Shout",
        "Crisis support by text message.",
        "",
        "Text SHOUT to 85258",
        "https://giveusashout.org",
        "24 hours, every day",
        True,
    ),
    (
        "United States",
        "988 Suicide & Crisis Lifeline",
        "Call or text if you are in crisis or worried about someone.",
        "988",
        "Text 988",
        "https://988lifeline.org",
        "24 hours, every day",
        True,
    ),
    (
        "United States",
        "SAMHSA National Helpline",
        "Free, confidential treatment referral and information for mental health and "
        "substance use.",
        "1-800-662-4357",
        "",
        "https://www.samhsa.gov/find-help/helplines/national-helpline",
        "24 hours, every day",
        False,
    ),
    (
        "Australia",
        "Lifeline",
        "Crisis support and suicide prevention.",
        "13 11 14",
        "Text 0477 13 11 14",
        "https://www.lifeline.org.au",
        "24 hours, every day",
        True,
    ),
    (
        "Australia",
        "Beyond Blue",
        "Support for anxiety, depression and mental health.",
        "1300 22 4636",
        "",
        "https://www.beyondblue.org.au",
        "24 hours, every day",
        False,
    ),
    (
        "Anywhere",
        "Find A Helpline",
        "Free, confidential helplines in more than 130 countries.",
        "",
        "",
        "https://findahelpline.com",
        "Listings for every country",
        False,
    ),
]


def ensure_tree_root() -> Page:
    """The page tree's root. Wagtail's migrations create it; a flushed database (for example
    after `manage.py flush`) has none, so make it again."""
    from wagtail.models import Collection

    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    # Images and documents need the root collection, which a flush removes as well.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return root


def ensure_root_collection():
    """The root of Wagtail's image and document collections; like the page root, a flushed
    database has none, and images cannot be saved without it."""
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    if root is None:
        root = Collection.add_root(name="Root")
    return root


def seed_site() -> HomePage:
    """Create the home page and settings once; later runs change nothing."""
    ensure_root_collection()
    home = HomePage.objects.first()
    if home is None:
        root = ensure_tree_root()
        home = HomePage(
            title="Peerpath",
            slug="peerpath-home",
            hero_title="Training and certification for lived-experience peer workers",
            hero_text=HOME_INTRO,
            body=HOME_BODY,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        site.root_page = home
        site.site_name = "Peerpath"
        site.save()
        # Remove Wagtail's placeholder "Welcome" page, which nothing else uses.
        if old_root is not None and old_root.specific_class is Page and old_root.pk != home.pk:
            old_root.delete()
        about = StandardPage(
            title="About Peerpath",
            slug="about",
            introduction="Why we built a learning system for peer workers, and how it keeps "
            "their experience safe.",
            body=ABOUT_BODY,
        )
        home.add_child(instance=about)
        about.save_revision().publish()

    site = Site.objects.get(is_default_site=True)
    BrandingSettings.objects.get_or_create(site=site)
    provider, created = ProviderSettings.objects.get_or_create(
        site=site, defaults={"provider_name": "Northside Recovery College"}
    )
    if created:
        # Demo numbers (marked as such): a real provider enters the numbers boards gave it.
        for order, (body, number) in enumerate(PROVIDER_APPROVALS):
            ProviderApproval.objects.create(
                settings=provider, sort_order=order, body=body, number=number
            )
    support, created = SupportSettings.objects.get_or_create(site=site)
    if created:
        for order, (region, name, description, phone, text, url, hours, crisis) in enumerate(
            SUPPORT_CONTACTS
        ):
            SupportContact.objects.create(
                settings=support,
                sort_order=order,
                region=region,
                name=name,
                description=description,
                phone=phone,
                text=text,
                url=url,
                hours=hours,
                is_crisis=crisis,
            )
    return home
