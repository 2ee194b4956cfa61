"""The frame every page shares (safety bar, header, footer) is kept per site, language and what
it shows (cms/templatetags/chrome_tags.py). Kept, it must still be each request's own: the
sign-out form carries that visitor's CSRF token, the current link follows the page, the
footer follows signing in and out, and a changed setting shows on the next page."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from cms.models import BrandingSettings, SupportSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHROME = ("includes/safety_bar.html", "includes/header.html", "includes/footer.html")


def header(response) -> str:
    html = response.content.decode()
    start = html.index('<header class="site-header">')
    return html[start : html.index("</header>", start)]


def footer(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer">') :]


def current_links(response) -> list[str]:
    """The labels of the header's links marked as the current page."""
    return re.findall(r'aria-current="page">([^<]+)</a>', header(response))


def sign_out_token(response) -> str:
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header(response))
    assert len(tokens) == 1, tokens
    return tokens[0]


def rendered(response) -> set[str]:
    return {t.name for t in response.templates} & set(CHROME)


def test_two_people_with_the_same_tools_each_get_their_own_sign_out_token(site):
    """Both trainees' headers come from one kept rendering; each sign-out form works for its
    own visitor only, so the token is put in per request, not kept."""
    first, second = UserFactory(), UserFactory()
    clients = []
    for person in (first, second):
        client = Client(enforce_csrf_checks=True)
        client.force_login(person)
        clients.append(client)
    pages = [client.get(reverse("learn:dashboard")) for client in clients]
    assert rendered(pages[0]) == set(CHROME)
    assert rendered(pages[1]) == set()  # the second page's frame was kept, not rendered
    assert header(pages[0]).count(">My learning</a>") == 1
    tokens = [sign_out_token(page) for page in pages]
    assert re.fullmatch(r"[A-Za-z0-9]{64}", tokens[1])

    logout = reverse("accounts:logout")
    # The first visitor's token is refused with the second's cookie...
    assert clients[1].post(logout, {"csrfmiddlewaretoken": tokens[0]}).status_code == 403
    # ...and the second's own signs them out.
    assert clients[1].post(logout, {"csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert clients[1].get(reverse("learn:dashboard")).status_code == 302  # to sign in
    assert clients[0].get(reverse("learn:dashboard")).status_code == 200


def test_the_current_link_follows_the_page(client, site):
    client.force_login(UserFactory())
    walk = [
        (reverse("learn:dashboard"), ["My learning"]),
        (reverse("wellbeing:home"), ["Wellbeing"]),
        (reverse("accounts:profile"), ["Profile"]),
        (reverse("learn:dashboard"), ["My learning"]),
        ("/", ["Home"]),
    ]
    for path, expected in walk:
        response = client.get(path)
        assert response.status_code == 200, path
        assert current_links(response) == expected, path


def test_the_footer_and_header_follow_signing_in_and_out(client, site):
    privacy = reverse("privacy:home")
    support = reverse("support")
    anonymous = client.get(support)
    assert f'href="{privacy}"' not in footer(anonymous)
    assert ">Sign in</a>" in header(anonymous)

    person = UserFactory()
    client.force_login(person)
    signed_in = client.get(support)
    assert f'href="{privacy}"' in footer(signed_in)
    assert ">Sign out</button>" in header(signed_in) and ">Sign in</a>" not in header(signed_in)

    client.logout()
    again = client.get(support)
    assert f'href="{privacy}"' not in footer(again)
    assert ">Sign in</a>" in header(again) and "csrfmiddlewaretoken" not in header(again)


def test_a_changed_setting_shows_on_the_next_page(client, site):
    client.force_login(UserFactory())
    page = reverse("learn:dashboard")
    before = client.get(page)
    assert rendered(client.get(page)) == set()  # kept

    site_record = Site.objects.get(is_default_site=True)
    branding = BrandingSettings.for_site(site_record)
    branding.site_name = "Riverside Peer College"
    branding.footer_text = "Run by volunteers since 2009."
    branding.save()
    support = SupportSettings.for_site(site_record)
    support.quick_exit_url = "https://www.example.org/weather"
    support.save()

    after = client.get(page)
    assert ">Riverside Peer College</span>" in header(after)
    assert ">Riverside Peer College</span>" not in header(before)
    assert "Run by volunteers since 2009." in footer(after)
    assert 'class="quick-exit" href="https://www.example.org/weather"' in after.content.decode()


def test_each_site_keeps_its_own_frame(client, site, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "second.example"]
    home = Site.objects.get(is_default_site=True).root_page
    second = Site.objects.create(hostname="second.example", port=80, root_page=home)
    branding = BrandingSettings.for_site(second)
    branding.site_name = "Second Site College"
    branding.save()

    first_page = client.get(reverse("support"))
    second_page = client.get(reverse("support"), HTTP_HOST="second.example")
    assert ">Second Site College</span>" in header(second_page)
    assert ">Second Site College</span>" not in header(first_page)
    assert ">Second Site College</span>" not in header(client.get(reverse("support")))
