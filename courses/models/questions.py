"""The question bank. One polymorphic base `Question`, one subclass per type.

Each type knows three things about itself:
- `snapshot()`: exactly what a learner is shown and graded against, frozen into an attempt
  when it starts, so later edits to a question never change a past result;
- `validate_answer(snapshot, payload)`: turn a submitted payload into a clean answer or raise
  `AnswerError` with a message for the learner (tampered ids, wrong shapes, oversized text);
- `grade_snapshot(snapshot, answer)`: a `Grade` with a score from 0 to 1, feedback, and
  whether a trainer must mark it.
`Question.grade(answer)` grades against the question as it is now. Types register themselves
by `type_key` so an attempt can grade a snapshot without the live row: `snapshot_class(snapshot)`
is the one way from a frozen snapshot back to its type.

Everything else that differs by type is a method here too, never an `if kind == ...` at the
caller: reading the answer from a form (`payload_from_form`) and writing it back
(`form_fields`), showing a refused answer again (`redisplay_value`), the options it counts
(`has_options`, `snapshot_options`, `chosen_option_ids`), and the key (`answer_key`) or a
random valid answer (`random_answer`) for demos, load data, benchmarks and tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from polymorphic.managers import PolymorphicManager
from polymorphic.models import PolymorphicModel
from polymorphic.query import PolymorphicQuerySet
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES
from courses.forms import QuestionAdminForm
from lms.parsing import small_int

WRITTEN_MAX_CHARS = 10_000
QUESTION_TYPES: dict[str, type[Question]] = {}


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is fit to show the learner."""


@dataclass
class Grade:
    score: float  # 0..1 of the question's points, for the auto-graded part
    feedback: str = ""
    needs_marking: bool = False
    correct: bool = False
    details: dict = field(default_factory=dict)


class QuestionQuerySet(PolymorphicQuerySet):
    def published(self):
        """Questions a quiz may use."""
        return self.filter(status=Question.Status.PUBLISHED)

    def tagged(self, tag):
        """Questions carrying a tag (a topic or competency code)."""
        return self.filter(tags__name=tag)


class TaggedQuestion(TaggedItemBase):
    content_object = models.ForeignKey(
        "courses.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Option"), max_length=500)
    is_correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(label=_("Feedback for this option"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class ItemBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Item"), max_length=500)

    class Meta:
        icon = "list-ol"


class PairBlock(blocks.StructBlock):
    left = blocks.CharBlock(label=_("Situation"), max_length=300)
    right = blocks.CharBlock(label=_("Matches"), max_length=300)

    class Meta:
        icon = "link"


class RankedOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Option"), max_length=500)
    rationale = blocks.TextBlock(label=_("Why it ranks here"), required=False)

    class Meta:
        icon = "order"


class RubricLevelBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    points = blocks.IntegerBlock(min_value=0, max_value=100)
    descriptor = blocks.TextBlock(required=False)


class CriterionBlock(blocks.StructBlock):
    criterion = blocks.CharBlock(label=_("Criterion"), max_length=250)
    levels = blocks.ListBlock(RubricLevelBlock(), min_num=2)

    class Meta:
        icon = "tasks"


class Question(PolymorphicModel, ClusterableModel, index.Indexed):
    """A question in the bank. Subclasses add their content and their grading."""

    base_form_class = QuestionAdminForm

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    type_key = ""
    type_label = ""
    auto_graded = True
    has_options = False  # item statistics count how often each option was chosen

    title = models.CharField(
        _("short name"),
        max_length=200,
        help_text=_("For the question bank; learners do not see it."),
    )
    stem = RichTextField(_("question"), features=RICH_TEXT_FEATURES)
    feedback = models.TextField(
        _("feedback"),
        blank=True,
        help_text=_("Explains the answer. Shown according to the quiz's feedback timing."),
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    tags = TaggableManager(
        through=TaggedQuestion,
        blank=True,
        help_text=_("Topics and competency codes, for random draws."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolymorphicManager.from_queryset(QuestionQuerySet)()

    base_panels = [
        FieldPanel("title"),
        FieldPanel("stem"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("feedback"),
                FieldPanel("difficulty"),
                FieldPanel("points"),
                FieldPanel("status"),
                FieldPanel("tags"),
            ],
            heading=_("Feedback and settings"),
        )
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("stem"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["title"]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.type_key:
            QUESTION_TYPES[cls.type_key] = cls

    def __str__(self):
        return self.title

    # Behaviour shared by every type.

    def snapshot(self) -> dict:
        """What a learner sees and is graded against, frozen into the attempt."""
        return {
            "type": self.type_key,
            "question_id": self.pk,
            "stem": self.stem,
            "feedback": self.feedback,
            "points": self.points,
            **self.snapshot_content(),
        }

    def snapshot_content(self) -> dict:
        raise NotImplementedError

    def grade(self, answer) -> Grade:
        """Grade an answer against the question as it is now."""
        snapshot = self.snapshot()
        return self.grade_snapshot(snapshot, self.validate_answer(snapshot, answer))

    @classmethod
    def shuffle(cls, snapshot: dict, rng: random.Random) -> dict:
        """The presentation order of options for one attempt (ids only)."""
        return {}

    @classmethod
    def validate_answer(cls, snapshot: dict, payload):
        raise NotImplementedError

    @classmethod
    def grade_snapshot(cls, snapshot: dict, answer, order: dict | None = None) -> Grade:
        raise NotImplementedError

    @classmethod
    def public_view(cls, snapshot: dict, order: dict) -> dict:
        """What the browser may see before submission: never a correct-answer marker."""
        raise NotImplementedError

    @classmethod
    def payload_from_form(cls, data, prefix: str):
        """Read this type's answer from a submitted form (fields named `<prefix>...`).
        The default: one or more values under the prefix itself."""
        values = data.getlist(prefix)
        return values if len(values) != 1 else values[0]

    @classmethod
    def form_fields(cls, answer, prefix: str) -> list[tuple[str, str]]:
        """The form fields (name, value) that `payload_from_form` reads back as `answer` (a
        validated answer): what the attempt page would send for it."""
        if answer in (None, "", []):
            return []
        values = answer if isinstance(answer, list) else [answer]
        return [(prefix, str(value)) for value in values]

    @classmethod
    def redisplay_value(cls, post, prefix: str):
        """What the learner sent for a refused answer, shaped for the question template, so
        the page comes back exactly as they left it."""
        return post.get(prefix)

    @classmethod
    def snapshot_options(cls, snapshot: dict) -> list[tuple[str, str, bool]]:
        """(id, text, correct) of every option a learner could choose; [] for types without
        options (`has_options` False)."""
        return []

    @classmethod
    def chosen_option_ids(cls, answer) -> list[str]:
        """The option ids a saved (validated) answer picked; [] for types without options."""
        return []

    @classmethod
    def answer_key(cls, snapshot: dict, order: dict, *, written: str = "") -> object:
        """The validated answer that earns every automatically graded point of the item as the
        attempt shows it (`order`); `written` is the text for a written part."""
        raise NotImplementedError

    @classmethod
    def random_answer(
        cls, snapshot: dict, order: dict, rng: random.Random, *, written: str = ""
    ) -> object:
        """A valid answer picked with `rng`, right or wrong, for load data."""
        raise NotImplementedError

    @classmethod
    def learner_template(cls) -> str:
        return f"courses/questions/{cls.type_key}.html"


def _ids(snapshot, key="options"):
    return [item["id"] for item in snapshot[key]]


def _option_text(snapshot, key="options"):
    return {item["id"]: item["text"] for item in snapshot[key]}


def _correct_ids(snapshot):
    return [item["id"] for item in snapshot["options"] if item["correct"]]


def _rank_fields(answer, prefix):
    """Rank selects for an ordered list of ids: `<prefix>-<id>` holds its position (1 first)."""
    return [(f"{prefix}-{item}", str(rank)) for rank, item in enumerate(answer or [], start=1)]


def _ranks_sent(post, prefix):
    """The positions a learner typed into rank selects, the unreadable ones left out."""
    return {
        key[len(prefix) + 1 :]: rank
        for key, value in post.items()
        if key.startswith(prefix + "-") and (rank := small_int(value)) is not None
    }


def _as_list(payload):
    if payload is None or payload == "":
        return []
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, list | tuple):
        return list(payload)
    raise AnswerError(_("That answer is not in a form we can read. Choose again."))


class SingleChoiceQuestion(Question):
    """One correct option; each option carries its own feedback."""

    type_key = "single_choice"
    type_label = _("Single choice")
    has_options = True

    options = StreamField([("option", OptionBlock())], verbose_name=_("options"))

    panels = [*Question.base_panels, FieldPanel("options"), *Question.settings_panels]

    class Meta:
        verbose_name = _("single-choice question")

    def snapshot_content(self):
        return {
            "options": [
                {
                    "id": b.id,
                    "text": b.value["text"],
                    "correct": bool(b.value["is_correct"]),
                    "feedback": b.value["feedback"],
                }
                for b in self.options
            ]
        }

    @classmethod
    def shuffle(cls, snapshot, rng):
        ids = _ids(snapshot)
        rng.shuffle(ids)
        return {"options": ids}

    @classmethod
    def public_view(cls, snapshot, order):
        text = _option_text(snapshot)
        return {
            "options": [{"id": i, "text": text[i]} for i in order.get("options") or _ids(snapshot)]
        }

    @classmethod
    def validate_answer(cls, snapshot, payload):
        values = _as_list(payload)
        if not values:
            return None
        if len(values) != 1 or values[0] not in _ids(snapshot):
            raise AnswerError(_("Choose one of the options shown."))
        return values[0]

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        chosen = next((o for o in snapshot["options"] if o["id"] == answer), None)
        correct = bool(chosen and chosen["correct"])
        return Grade(1.0 if correct else 0.0, chosen["feedback"] if chosen else "", correct=correct)

    @classmethod
    def snapshot_options(cls, snapshot):
        return [
            (o["id"], o.get("text", ""), bool(o.get("correct")))
            for o in snapshot.get("options") or []
        ]

    @classmethod
    def chosen_option_ids(cls, answer):
        return [] if answer is None else [answer]

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return _correct_ids(snapshot)[0]

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        return rng.choice(_ids(snapshot))


class MultipleResponseQuestion(Question):
    """Several correct options. Score = (correct picks - wrong picks) / number correct,
    never below zero: picking everything earns nothing for the wrong picks."""

    type_key = "multiple_response"
    type_label = _("Multiple response")
    has_options = True

    options = StreamField([("option", OptionBlock())], verbose_name=_("options"))

    panels = [*Question.base_panels, FieldPanel("options"), *Question.settings_panels]

    class Meta:
        verbose_name = _("multiple-response question")

    snapshot_content = SingleChoiceQuestion.snapshot_content
    shuffle = SingleChoiceQuestion.shuffle
    public_view = SingleChoiceQuestion.public_view
    snapshot_options = SingleChoiceQuestion.snapshot_options

    @classmethod
    def redisplay_value(cls, post, prefix):
        return post.getlist(prefix)

    @classmethod
    def chosen_option_ids(cls, answer):
        return [] if answer is None else list(answer)

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return sorted(_correct_ids(snapshot))

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        picked = [o["id"] for o in snapshot["options"] if rng.random() < 0.5]
        return sorted(picked) or [snapshot["options"][0]["id"]]

    @classmethod
    def validate_answer(cls, snapshot, payload):
        values = _as_list(payload)
        known = set(_ids(snapshot))
        if any(v not in known for v in values) or len(set(values)) != len(values):
            raise AnswerError(_("Choose from the options shown."))
        return sorted(values)

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        answer = set(answer or [])
        correct_ids = {o["id"] for o in snapshot["options"] if o["correct"]}
        right = len(answer & correct_ids)
        wrong = len(answer - correct_ids)
        score = max(0.0, (right - wrong) / len(correct_ids)) if correct_ids else 0.0
        feedback = " ".join(
            o["feedback"] for o in snapshot["options"] if o["id"] in answer and o["feedback"]
        )
        return Grade(
            score, feedback, correct=answer == correct_ids, details={"right": right, "wrong": wrong}
        )


class TrueFalseQuestion(Question):
    """A statement that is true or false, with an explanation."""

    type_key = "true_false"
    type_label = _("True or false")
    has_options = True

    correct_answer = models.BooleanField(_("the statement is true"))
    explanation = models.TextField(_("explanation"), blank=True)

    panels = [
        *Question.base_panels,
        FieldPanel("correct_answer"),
        FieldPanel("explanation"),
        *Question.settings_panels,
    ]

    class Meta:
        verbose_name = _("true-or-false question")

    def snapshot_content(self):
        return {"answer": self.correct_answer, "explanation": self.explanation}

    @classmethod
    def public_view(cls, snapshot, order):
        return {"options": [{"id": "true", "text": _("True")}, {"id": "false", "text": _("False")}]}

    @classmethod
    def validate_answer(cls, snapshot, payload):
        values = _as_list(payload)
        if not values:
            return None
        if len(values) != 1 or values[0] not in ("true", "false"):
            raise AnswerError(_("Choose true or false."))
        return values[0] == "true"

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        correct = answer is not None and answer == snapshot["answer"]
        return Grade(1.0 if correct else 0.0, snapshot["explanation"], correct=correct)

    @classmethod
    def form_fields(cls, answer, prefix):
        return [] if answer is None else [(prefix, "true" if answer else "false")]

    @classmethod
    def redisplay_value(cls, post, prefix):
        return {"true": True, "false": False}.get(post.get(prefix, ""))

    @classmethod
    def snapshot_options(cls, snapshot):
        answer = bool(snapshot.get("answer"))
        return [("true", str(_("True")), answer), ("false", str(_("False")), not answer)]

    @classmethod
    def chosen_option_ids(cls, answer):
        return [] if answer is None else ["true" if answer else "false"]

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return bool(snapshot["answer"])

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        return rng.random() < 0.5


class OrderingQuestion(Question):
    """Put steps in order. Partial credit: the share of neighbouring pairs that appear in the
    right sequence (for n steps there are n-1 pairs), so one step out of place costs little."""

    type_key = "ordering"
    type_label = _("Ordering")

    items = StreamField([("item", ItemBlock())], verbose_name=_("steps in the correct order"))

    panels = [*Question.base_panels, FieldPanel("items"), *Question.settings_panels]

    class Meta:
        verbose_name = _("ordering question")

    def snapshot_content(self):
        return {"items": [{"id": b.id, "text": b.value["text"]} for b in self.items]}

    @classmethod
    def shuffle(cls, snapshot, rng):
        ids = _ids(snapshot, "items")
        shuffled = ids[:]
        for _attempt in range(5):  # avoid showing the steps already in order
            rng.shuffle(shuffled)
            if shuffled != ids or len(ids) < 2:
                break
        return {"items": shuffled}

    @classmethod
    def public_view(cls, snapshot, order):
        text = _option_text(snapshot, "items")
        return {
            "items": [
                {"id": i, "text": text[i]} for i in order.get("items") or _ids(snapshot, "items")
            ]
        }

    @classmethod
    def payload_from_form(cls, data, prefix):
        """Rank selects named `<prefix>-<id>` hold each item's position (1 = first)."""
        ranks = {}
        for key, value in data.items():
            if key.startswith(prefix + "-") and value:
                rank = small_int(value)
                if rank is None:
                    raise AnswerError(_("Give each item a position number."))
                ranks[key[len(prefix) + 1 :]] = rank
        if not ranks:
            return None
        if len(set(ranks.values())) != len(ranks):
            raise AnswerError(_("Use each position once: two items share a position."))
        return [item for item, _rank in sorted(ranks.items(), key=lambda kv: kv[1])]

    @classmethod
    def validate_answer(cls, snapshot, payload):
        values = _as_list(payload)
        if not values:
            return None
        if sorted(values) != sorted(_ids(snapshot, "items")):
            raise AnswerError(_("Put every step in order, using each step once."))
        return values

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        key = _ids(snapshot, "items")
        if not answer or len(key) < 2:
            return Grade(0.0 if not answer else 1.0, "")
        position = {item: i for i, item in enumerate(answer)}
        pairs = sum(1 for a, b in zip(key, key[1:], strict=False) if position[b] == position[a] + 1)
        score = pairs / (len(key) - 1)
        return Grade(score, "", correct=answer == key, details={"pairs": pairs})

    @classmethod
    def form_fields(cls, answer, prefix):
        return _rank_fields(answer, prefix)

    @classmethod
    def redisplay_value(cls, post, prefix):
        return _ranks_sent(post, prefix)

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return _ids(snapshot, "items")

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        ids = _ids(snapshot, "items")
        rng.shuffle(ids)
        return ids


class MatchingQuestion(Question):
    """Match each situation to one answer. Score: the share matched correctly."""

    type_key = "matching"
    type_label = _("Matching")

    pairs = StreamField([("pair", PairBlock())], verbose_name=_("pairs"))

    panels = [*Question.base_panels, FieldPanel("pairs"), *Question.settings_panels]

    class Meta:
        verbose_name = _("matching question")

    def snapshot_content(self):
        return {
            "pairs": [
                {"id": b.id, "left": b.value["left"], "right": b.value["right"]} for b in self.pairs
            ]
        }

    @classmethod
    def shuffle(cls, snapshot, rng):
        lefts = [p["id"] for p in snapshot["pairs"]]
        rights = lefts[:]
        rng.shuffle(lefts)
        rng.shuffle(rights)
        return {"left": lefts, "right": rights}

    @classmethod
    def public_view(cls, snapshot, order):
        by_id = {p["id"]: p for p in snapshot["pairs"]}
        lefts = order.get("left") or list(by_id)
        rights = order.get("right") or list(by_id)
        # The right-hand choices carry opaque ids: the id of the pair it came from would give
        # the match away, so each right is labelled by its position in the shuffled list.
        return {
            "left": [{"id": i, "text": by_id[i]["left"]} for i in lefts],
            "right": [{"id": f"r{n}", "text": by_id[i]["right"]} for n, i in enumerate(rights)],
        }

    @classmethod
    def payload_from_form(cls, data, prefix):
        """Selects named `<prefix>-<left id>` hold the chosen right-hand answer."""
        return {
            key[len(prefix) + 1 :]: value
            for key, value in data.items()
            if key.startswith(prefix + "-")
        }

    @classmethod
    def validate_answer(cls, snapshot, payload):
        if payload in (None, "", {}):
            return None
        if not isinstance(payload, dict):
            raise AnswerError(_("Match each situation to one answer."))
        lefts = {p["id"] for p in snapshot["pairs"]}
        rights = {f"r{n}" for n in range(len(lefts))}
        clean = {}
        for left, right in payload.items():
            if left not in lefts or (right and right not in rights):
                raise AnswerError(_("Match each situation to one of the answers shown."))
            if right:
                clean[left] = right
        return clean

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        # Grading needs the attempt's right-hand order to map "r<n>" back to a pair.
        answer = answer or {}
        rights = (order or {}).get("right") or [p["id"] for p in snapshot["pairs"]]
        matched = sum(
            1
            for left, right in answer.items()
            if right.startswith("r") and rights[int(right[1:])] == left
        )
        total = len(snapshot["pairs"])
        return Grade(
            matched / total if total else 0.0,
            "",
            correct=matched == total,
            details={"matched": matched},
        )

    @classmethod
    def form_fields(cls, answer, prefix):
        return [(f"{prefix}-{left}", right) for left, right in (answer or {}).items()]

    @classmethod
    def redisplay_value(cls, post, prefix):
        return cls.payload_from_form(post, prefix)

    @classmethod
    def _answer_matching(cls, snapshot, order, targets):
        # A right-hand answer is named by its place in the attempt's shuffled list (`r<n>`).
        pair_ids = [p["id"] for p in snapshot["pairs"]]
        rights = order.get("right") or pair_ids
        return {
            left: f"r{rights.index(target)}" for left, target in zip(pair_ids, targets, strict=True)
        }

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return cls._answer_matching(snapshot, order, [p["id"] for p in snapshot["pairs"]])

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        pair_ids = [p["id"] for p in snapshot["pairs"]]
        return cls._answer_matching(snapshot, order, rng.sample(pair_ids, len(pair_ids)))


class ScenarioJudgementQuestion(Question):
    """A short case with options to rank from most to least appropriate. Score:
    1 - (sum of how far each option is from its place in the key) / (the largest possible
    sum, floor(n²/2)); a perfect ranking scores 1, a reversed one 0."""

    type_key = "scenario_judgement"
    type_label = _("Scenario judgement")

    options = StreamField(
        [("option", RankedOptionBlock())], verbose_name=_("options, most appropriate first")
    )

    panels = [*Question.base_panels, FieldPanel("options"), *Question.settings_panels]

    class Meta:
        verbose_name = _("scenario-judgement question")

    def snapshot_content(self):
        return {
            "options": [
                {"id": b.id, "text": b.value["text"], "rationale": b.value["rationale"]}
                for b in self.options
            ]
        }

    shuffle = SingleChoiceQuestion.shuffle

    @classmethod
    def public_view(cls, snapshot, order):
        text = _option_text(snapshot)
        return {
            "options": [{"id": i, "text": text[i]} for i in order.get("options") or _ids(snapshot)]
        }

    payload_from_form = OrderingQuestion.payload_from_form

    @classmethod
    def validate_answer(cls, snapshot, payload):
        values = _as_list(payload)
        if not values:
            return None
        if sorted(values) != sorted(_ids(snapshot)):
            raise AnswerError(_("Rank every option once, from most to least appropriate."))
        return values

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        key = _ids(snapshot)
        if not answer:
            return Grade(0.0, "")
        n = len(key)
        distance = sum(abs(answer.index(item) - i) for i, item in enumerate(key))
        worst = (n * n) // 2
        score = 1 - distance / worst if worst else 1.0
        return Grade(score, "", correct=distance == 0, details={"distance": distance})

    form_fields = OrderingQuestion.form_fields
    redisplay_value = OrderingQuestion.redisplay_value

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return _ids(snapshot)

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        ids = _ids(snapshot)
        rng.shuffle(ids)
        return ids


class RubricMixin:
    @staticmethod
    def rubric_snapshot(rubric) -> list[dict]:
        return [
            {
                "criterion": c.value["criterion"],
                "levels": [
                    {"label": lv["label"], "points": lv["points"], "descriptor": lv["descriptor"]}
                    for lv in c.value["levels"]
                ],
            }
            for c in rubric
        ]


def rubric_max(rubric: list[dict]) -> int:
    return sum(max(level["points"] for level in criterion["levels"]) for criterion in rubric)


class WrittenResponseQuestion(RubricMixin, Question):
    """A written answer, marked by a trainer against a rubric."""

    type_key = "written_response"
    type_label = _("Written response")
    auto_graded = False

    guidance = models.TextField(_("guidance for markers"), blank=True)
    rubric = StreamField([("criterion", CriterionBlock())], verbose_name=_("rubric"))

    panels = [
        *Question.base_panels,
        FieldPanel("guidance"),
        FieldPanel("rubric"),
        *Question.settings_panels,
    ]

    class Meta:
        verbose_name = _("written-response question")

    def snapshot_content(self):
        return {"guidance": self.guidance, "rubric": self.rubric_snapshot(self.rubric)}

    @classmethod
    def public_view(cls, snapshot, order):
        return {}

    @classmethod
    def payload_from_form(cls, data, prefix):
        return data.get(prefix, "")

    @classmethod
    def validate_answer(cls, snapshot, payload):
        text = payload if isinstance(payload, str) else ""
        if payload not in (None, "") and not isinstance(payload, str):
            raise AnswerError(_("Write your answer in the box."))
        if len(text) > WRITTEN_MAX_CHARS:
            raise AnswerError(
                _(
                    "Your answer is %(n)s characters; the limit is %(max)s. "
                    "Shorten it: your text is kept."
                )
                % {"n": f"{len(text):,}", "max": f"{WRITTEN_MAX_CHARS:,}"}
            )
        return text.strip()

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        if not answer:
            return Grade(0.0, "", needs_marking=False)
        return Grade(0.0, "", needs_marking=True)

    @classmethod
    def redisplay_value(cls, post, prefix):
        return post.get(prefix, "")

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return written

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        return written


class ChoiceWithJustificationQuestion(RubricMixin, Question):
    """A choice plus a required written reason. The choice is graded at once and is worth
    `choice_weight` of the points; a trainer marks the reason against the rubric for the rest."""

    type_key = "choice_with_justification"
    type_label = _("Choice with justification")
    auto_graded = False
    has_options = True

    options = StreamField([("option", OptionBlock())], verbose_name=_("options"))
    justification_prompt = models.CharField(
        _("prompt for the reason"), max_length=300, default="Explain your choice."
    )
    choice_weight = models.PositiveSmallIntegerField(
        _("share of points for the choice (%)"), default=50
    )
    rubric = StreamField([("criterion", CriterionBlock())], verbose_name=_("rubric for the reason"))

    panels = [
        *Question.base_panels,
        FieldPanel("options"),
        FieldPanel("justification_prompt"),
        FieldPanel("choice_weight"),
        FieldPanel("rubric"),
        *Question.settings_panels,
    ]

    class Meta:
        verbose_name = _("choice-with-justification question")

    def snapshot_content(self):
        return {
            **SingleChoiceQuestion.snapshot_content(self),
            "justification_prompt": self.justification_prompt,
            "choice_weight": self.choice_weight,
            "rubric": self.rubric_snapshot(self.rubric),
        }

    shuffle = SingleChoiceQuestion.shuffle

    @classmethod
    def public_view(cls, snapshot, order):
        return {
            **SingleChoiceQuestion.public_view(snapshot, order),
            "justification_prompt": snapshot["justification_prompt"],
        }

    @classmethod
    def payload_from_form(cls, data, prefix):
        choice, reason = data.get(prefix + "-choice", ""), data.get(prefix + "-reason", "")
        return {"choice": choice, "reason": reason} if (choice or reason) else None

    @classmethod
    def validate_answer(cls, snapshot, payload):
        if payload in (None, "", {}):
            return None
        if not isinstance(payload, dict):
            raise AnswerError(_("Choose an option and explain your choice."))
        choice = SingleChoiceQuestion.validate_answer(snapshot, payload.get("choice"))
        reason = WrittenResponseQuestion.validate_answer(snapshot, payload.get("reason") or "")
        return {"choice": choice, "reason": reason}

    @classmethod
    def grade_snapshot(cls, snapshot, answer, order=None):
        answer = answer or {}
        choice = SingleChoiceQuestion.grade_snapshot(snapshot, answer.get("choice"))
        weight = snapshot["choice_weight"] / 100
        return Grade(
            choice.score * weight,
            choice.feedback,
            needs_marking=bool(answer.get("reason")),
            correct=choice.correct,
        )

    @classmethod
    def form_fields(cls, answer, prefix):
        if not answer:
            return []
        return [
            (f"{prefix}-choice", answer.get("choice") or ""),
            (f"{prefix}-reason", answer.get("reason") or ""),
        ]

    @classmethod
    def redisplay_value(cls, post, prefix):
        return {
            "choice": post.get(prefix + "-choice", ""),
            "reason": post.get(prefix + "-reason", ""),
        }

    snapshot_options = SingleChoiceQuestion.snapshot_options

    @classmethod
    def chosen_option_ids(cls, answer):
        choice = answer.get("choice") if isinstance(answer, dict) else None
        return [choice] if choice else []

    @classmethod
    def answer_key(cls, snapshot, order, *, written=""):
        return {"choice": _correct_ids(snapshot)[0], "reason": written}

    @classmethod
    def random_answer(cls, snapshot, order, rng, *, written=""):
        return {"choice": rng.choice(_ids(snapshot)), "reason": written}


def question_class(type_key: str) -> type[Question]:
    return QUESTION_TYPES[type_key]


def snapshot_class(snapshot: dict) -> type[Question]:
    """The question type a frozen snapshot belongs to (it carries its `type_key`), so code that
    holds only an attempt's snapshot asks the type rather than switching on its name."""
    return QUESTION_TYPES[snapshot["type"]]
