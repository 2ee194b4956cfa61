"""StreamField blocks shared by every page on the site.

Every StructBlock has a template, an icon, a description and a preview value, so trainers
see what a block does before they add it.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# Rich text features allowed in body copy: no raw headings (use HeadingBlock), no embeds.
RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=150)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (H2)")), ("h3", _("Subsection (H3)"))],
        default="h2",
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = _("A section heading. Keep headings in order: H2, then H3 beneath it.")
        preview_value = {"text": "Why boundaries protect both of you", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        description = _("Body text with bold, italics, lists and links.")
        preview_value = (
            "<p>Peer support works because you have been there. Boundaries keep that "
            "shared ground safe for both of you.</p>"
        )


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_(
            "Describe what the image shows for someone who cannot see it. Required; write "
            "'decorative' only if it adds nothing to the text."
        ),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        description = _("An image with required alternative text and an optional caption.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[
            ("info", _("Information")),
            ("key_point", _("Key point")),
            ("caution", _("Take care")),
        ],
        default="info",
        label=_("Kind"),
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        template = "blocks/callout_block.html"
        description = _("A highlighted box for a key point, a tip or a caution.")
        preview_value = {
            "kind": "key_point",
            "title": "Whose need does it meet?",
            "text": "<p>Before you share your story, ask whether it helps the person in "
            "front of you, or helps you.</p>",
        }


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=150)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = _("A short quotation with an optional attribution.")
        preview_value = {
            "quote": "Someone believed I could get well before I did.",
            "attribution": "Sam, peer support worker",
        }


class LinkButtonBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Button text"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Or a web address"), required=False)

    class Meta:
        icon = "link"
        template = "blocks/link_button_block.html"
        description = _("A call-to-action button linking to a page or a web address.")
        preview_value = {"label": "Browse courses", "url": "https://example.org/courses/"}


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks any general page may use."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    callout = CalloutBlock()
    quote = QuoteBlock()
    button = LinkButtonBlock()
