"""Site pages and site-wide settings (branding, support resources)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, BaseStreamBlock


class HomePage(Page):
    """The site's front page: a welcome, then any shared blocks."""

    hero_title = models.CharField(_("headline"), max_length=150)
    hero_text = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text")], heading=_("Welcome")),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage", "courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Any live page below the home page in one lookup (cms.routing); Wagtail's walk down
        the tree for anything else (it answers 404)."""
        from .routing import route

        if path_components:
            found = route(self, request, path_components)
            if found is not None:
                return found
        return super().route(request, path_components)


class StandardPage(Page):
    """A general content page: about, policies, help."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class KeptSettingMixin:
    """Site settings read from each process's memory while no page, site or setting changes
    (cms.routing); every page shows them."""

    @classmethod
    def for_site(cls, site):
        from .routing import kept_site_setting

        if site is None:
            return super().for_site(site)
        return kept_site_setting(cls, site)


@register_setting(icon="image")
class BrandingSettings(KeptSettingMixin, BaseSiteSetting):
    """Name, tagline, logo and accent colour of a site."""

    site_name = models.CharField(_("site name"), max_length=80, default="Peerpath")
    tagline = models.CharField(
        _("tagline"),
        max_length=160,
        blank=True,
        default="Training and certification for lived-experience peer workers",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#1d6b5f",
        help_text=_(
            "A hex colour such as #1d6b5f. Choose one with at least 4.5:1 contrast on white."
        ),
    )
    footer_text = models.CharField(_("footer text"), max_length=250, blank=True)

    panels = [
        FieldPanel("site_name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("accent_colour"),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = _("branding")


@register_setting(icon="help")
class SupportSettings(KeptSettingMixin, ClusterableModel, BaseSiteSetting):
    """Where to get help now: crisis and support contacts by region, shown on every page,
    and the neutral site that quick exit goes to."""

    heading = models.CharField(_("heading"), max_length=100, default="Need support now?")
    introduction = RichTextField(
        _("introduction"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        default=(
            "<p>If you are in danger or might act on thoughts of harming yourself, call your "
            "local emergency number now. The services below are free and confidential.</p>"
        ),
    )
    quick_exit_url = models.URLField(
        _("quick exit address"),
        default="https://www.bbc.co.uk/weather",
        help_text=_("A neutral site that quick exit goes to. It replaces the current page."),
    )

    panels = [
        FieldPanel("heading"),
        FieldPanel("introduction"),
        FieldPanel("quick_exit_url"),
        InlinePanel("contacts", heading=_("Support contacts"), label=_("Contact")),
    ]

    class Meta:
        verbose_name = _("support resources")


class SupportContact(Orderable):
    """One crisis or support service."""

    settings = ParentalKey(SupportSettings, on_delete=models.CASCADE, related_name="contacts")
    region = models.CharField(
        _("region"), max_length=80, help_text=_("For example: United Kingdom, Australia.")
    )
    name = models.CharField(_("service"), max_length=120)
    description = models.CharField(_("what it offers"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    text = models.CharField(_("text message"), max_length=80, blank=True)
    url = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("hours"), max_length=80, blank=True, default="24 hours, every day")
    is_crisis = models.BooleanField(_("crisis line"), default=False)

    panels = [
        FieldPanel("region"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("phone"),
        FieldPanel("text"),
        FieldPanel("url"),
        FieldPanel("hours"),
        FieldPanel("is_crisis"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("support contact")

    def __str__(self):
        return f"{self.name} ({self.region})"


@register_setting(icon="tick-inverse")
class ProviderSettings(ClusterableModel, BaseSiteSetting):
    """The training provider as certificates of completion name it, with the numbers under
    which boards approved it to provide training (each with the body that approved it)."""

    provider_name = models.CharField(
        _("provider name"),
        max_length=200,
        blank=True,
        help_text=_("As boards know it. Leave blank to use the site name."),
    )

    panels = [
        FieldPanel("provider_name"),
        InlinePanel(
            "approvals", heading=_("Approved-provider numbers"), label=_("Approval"), max_num=6
        ),
    ]

    class Meta:
        verbose_name = _("training provider")

    def details(self) -> dict:
        """What a certificate keeps of the provider: its name and approvals."""
        name = self.provider_name.strip()
        if not name:
            branding = BrandingSettings.objects.filter(site_id=self.site_id).first()
            name = branding.site_name if branding else "Peerpath"
        return {
            "name": name,
            "approvals": [
                {"body": approval.body, "number": approval.number}
                for approval in self.approvals.all()
            ],
        }


class ProviderApproval(Orderable):
    """One approved-provider number and the body that gave it."""

    settings = ParentalKey(ProviderSettings, on_delete=models.CASCADE, related_name="approvals")
    body = models.CharField(
        _("approving body"), max_length=160, help_text=_("For example: NAADAC, IC&RC member board.")
    )
    number = models.CharField(_("provider number"), max_length=60)

    panels = [FieldPanel("body"), FieldPanel("number")]

    class Meta(Orderable.Meta):
        verbose_name = _("provider approval")

    def __str__(self):
        return f"{self.body} {self.number}"


def provider_details() -> dict:
    """The default site's provider name and approvals, for work done outside a request (a
    certificate issued by a task). Two queries."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return {"name": "Peerpath", "approvals": []}
    provider = ProviderSettings.objects.filter(site=site).first()
    if provider is None:
        branding = BrandingSettings.objects.filter(site=site).first()
        return {"name": branding.site_name if branding else "Peerpath", "approvals": []}
    return provider.details()
