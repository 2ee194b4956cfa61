"""Site pages and site-wide settings (branding, support resources)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
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


@register_setting(icon="image")
class BrandingSettings(BaseSiteSetting):
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
class SupportSettings(ClusterableModel, BaseSiteSetting):
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
