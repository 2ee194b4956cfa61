"""Lesson blocks. A lesson body is one LessonStreamBlock: the shared site blocks plus blocks
made for teaching peer work safely (content notes, private reflections, scenarios, grounding
exercises, lived-experience voices)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock

from cms.blocks import RICH_TEXT_FEATURES, CalloutBlock, HeadingBlock, ImageBlock, ParagraphBlock


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address"), help_text=_("A YouTube or Vimeo link."))
    title = blocks.CharBlock(label=_("Title"), max_length=150)
    transcript = blocks.RichTextBlock(
        label=_("Transcript"),
        features=RICH_TEXT_FEATURES,
        help_text=_("Required: learners who cannot hear or play the video read this instead."),
    )

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        description = _("An embedded video with a required transcript.")
        preview_value = {
            "title": "Sharing your story with purpose",
            "transcript": "<p>Before I share, I ask myself one question: whose need does this "
            "meet?</p>",
        }


class AudioBlock(blocks.StructBlock):
    audio = DocumentChooserBlock(label=_("Audio file"), help_text=_("An MP3 or OGG document."))
    title = blocks.CharBlock(label=_("Title"), max_length=150)
    transcript = blocks.RichTextBlock(label=_("Transcript"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "media"
        template = "blocks/audio_block.html"
        description = _("An audio recording with a required transcript.")
        preview_value = {
            "title": "A grounding exercise, read aloud",
            "transcript": "<p>Notice five things you can see around you.</p>",
        }


class ContentNoteBlock(blocks.StructBlock):
    topics = blocks.ListBlock(blocks.CharBlock(max_length=60), label=_("Topics ahead"), min_num=1)
    text = blocks.TextBlock(
        label=_("Note"),
        help_text=_("A calm sentence or two on what follows, and why it is here."),
    )

    class Meta:
        icon = "warning"
        template = "blocks/content_note_block.html"
        description = _(
            "Put this before a hard topic. The learner chooses to continue, skip the section "
            "for now, or take a break. It covers everything up to the next content note."
        )
        preview_value = {
            "topics": ["relapse", "overdose"],
            "text": "The next section talks about a client's return to use and an overdose.",
        }


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Prompt"))
    guidance = blocks.CharBlock(label=_("Guidance"), required=False, max_length=250)

    class Meta:
        icon = "edit"
        template = "blocks/reflection_block.html"
        description = _(
            "A question the learner answers privately. Answers are visible to the learner only."
        )
        preview_value = {
            "prompt": "Think of a time someone shared their story with you. What made it help?",
            "guidance": "Write as much or as little as you like. Only you can read this.",
        }


class ScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=150)
    situation = blocks.RichTextBlock(label=_("Situation"), features=RICH_TEXT_FEATURES)
    questions = blocks.ListBlock(blocks.TextBlock(), label=_("Questions to consider"))
    discussion = blocks.RichTextBlock(
        label=_("Discussion"),
        features=RICH_TEXT_FEATURES,
        help_text=_("Shown when the learner opens it, after thinking it through."),
    )

    class Meta:
        icon = "group"
        template = "blocks/scenario_block.html"
        description = _("A case study with questions and a worked discussion.")
        preview_value = {
            "title": "The coffee invitation",
            "situation": "<p>A person you support asks you to meet for coffee at the weekend.</p>",
            "questions": ["What is the need behind the request?"],
            "discussion": "<p>Name the care in the request, then the limit of your role.</p>",
        }


class GroundingBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=150)
    steps = blocks.ListBlock(blocks.TextBlock(), label=_("Steps"), min_num=1)
    note = blocks.TextBlock(label=_("Note"), required=False)

    class Meta:
        icon = "pick"
        template = "blocks/grounding_block.html"
        description = _("A short pause or grounding exercise. Never timed.")
        preview_value = {
            "title": "Feet on the floor",
            "steps": ["Press your feet into the floor.", "Breathe out slowly."],
        }


class VoiceBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=150)

    class Meta:
        icon = "openquote"
        template = "blocks/voice_block.html"
        description = _("A lived-experience voice: a quote with optional attribution.")
        preview_value = {
            "quote": "The day I stopped pretending I had it all together was the day people "
            "started trusting me.",
            "attribution": "Dee, peer recovery coach (illustrative)",
        }


class ResourceBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), max_length=150)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/resource_block.html"
        description = _("A downloadable resource, such as a worksheet or a policy template.")
        preview_value = {"title": "Self-disclosure planning worksheet"}


class LessonStreamBlock(blocks.StreamBlock):
    """Everything a lesson may contain."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    video = VideoBlock()
    audio = AudioBlock()
    callout = CalloutBlock()
    content_note = ContentNoteBlock()
    reflection = ReflectionBlock()
    scenario = ScenarioBlock()
    grounding = GroundingBlock()
    voice = VoiceBlock()
    resource = ResourceBlock()

    def clean(self, value):
        cleaned = super().clean(value)
        # Two content notes in a row would hide nothing between them: say so to the author.
        previous = None
        for child in cleaned:
            if child.block_type == "content_note" and previous == "content_note":
                raise StreamBlockValidationError(
                    non_block_errors=[
                        ValidationError(
                            _("Two content notes in a row: remove one or add content between them.")
                        )
                    ]
                )
            previous = child.block_type
        return cleaned
