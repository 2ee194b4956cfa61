"""Question bank and quiz factories. Each question factory builds a valid, published question
of its type, with StreamField content given as (block_name, value) tuples the way the editor
would save it. Pass `tags=[...]` to tag a question, and `questions=[...]` to list questions
on a quiz. `QUESTION_FACTORIES` maps each `type_key` to its factory."""

import factory

from courses.models import (
    ChoiceWithJustificationQuestion,
    MatchingQuestion,
    MultipleResponseQuestion,
    OrderingQuestion,
    Question,
    QuizPage,
    QuizQuestion,
    ScenarioJudgementQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    WrittenResponseQuestion,
)

from .cms import WagtailPageFactory
from .courses import ModulePageFactory


def option(text, *, correct=False, feedback=""):
    return ("option", {"text": text, "is_correct": correct, "feedback": feedback})


def criterion(name, levels):
    """A rubric criterion; `levels` are (label, points, descriptor) from lowest to highest."""
    return (
        "criterion",
        {
            "criterion": name,
            "levels": [
                {"label": label, "points": points, "descriptor": descriptor}
                for label, points, descriptor in levels
            ],
        },
    )


def default_rubric():
    return [
        criterion(
            "Names the person's own choice",
            [
                ("Not yet", 0, "Decides for the person."),
                ("Partly", 1, "Mentions choice but steers."),
                ("Fully", 2, "Leaves the decision with the person."),
            ],
        ),
        criterion(
            "Uses lived experience with purpose",
            [
                ("Not yet", 0, "No sharing, or sharing centres the worker."),
                ("Yes", 1, "Brief, relevant and returned to the person."),
            ],
        ),
    ]


class QuestionFactory(factory.django.DjangoModelFactory):
    """Fields every type shares. Abstract: use one of the type factories below."""

    class Meta:
        abstract = True
        # The tags hook writes its own rows; the question needs no second save.
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Question {n}")
    stem = "<p>What would you do next?</p>"
    feedback = "Peer support follows the person's lead."
    difficulty = Question.Difficulty.MEDIUM
    status = Question.Status.PUBLISHED
    points = 1

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        # Tags go through a separate table, so they can only be added once the row exists.
        if create and extracted:
            self.tags.add(*extracted)


class SingleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = SingleChoiceQuestion

    stem = "<p>Who decides what goes into a person's recovery plan?</p>"
    options = factory.LazyFunction(
        lambda: [
            option("The person, with support", correct=True, feedback="Yes: it is their plan."),
            option("The peer worker", feedback="You support; the person decides."),
            option("The team manager", feedback="Managers do not write the person's goals."),
        ]
    )


class MultipleResponseQuestionFactory(QuestionFactory):
    class Meta:
        model = MultipleResponseQuestion

    stem = "<p>Which of these are confidential? Choose all that apply.</p>"
    options = factory.LazyFunction(
        lambda: [
            option("That the person uses the service", correct=True),
            option("Your notes about a session", correct=True),
            option("The public leaflet about group times"),
            option("The service's opening hours"),
        ]
    )


class TrueFalseQuestionFactory(QuestionFactory):
    class Meta:
        model = TrueFalseQuestion

    stem = "<p>Explain the limits of confidentiality at the start of working together.</p>"
    correct_answer = True
    explanation = "True: people can then choose what to tell you."


class OrderingQuestionFactory(QuestionFactory):
    class Meta:
        model = OrderingQuestion

    stem = "<p>Put these steps of a first meeting in order.</p>"
    items = factory.LazyFunction(
        lambda: [
            ("item", {"text": "Introduce yourself and your role"}),
            ("item", {"text": "Explain confidentiality and its limits"}),
            ("item", {"text": "Ask what the person wants from support"}),
            ("item", {"text": "Agree when you will meet next"}),
        ]
    )


class MatchingQuestionFactory(QuestionFactory):
    class Meta:
        model = MatchingQuestion

    stem = "<p>Match each situation to the limit of confidentiality it falls under.</p>"
    pairs = factory.LazyFunction(
        lambda: [
            ("pair", {"left": "A plan to end their life tonight", "right": "Risk to self"}),
            ("pair", {"left": "A threat to hurt a neighbour", "right": "Risk to others"}),
            ("pair", {"left": "A court order for records", "right": "A legal requirement"}),
        ]
    )


class ScenarioJudgementQuestionFactory(QuestionFactory):
    class Meta:
        model = ScenarioJudgementQuestion

    stem = "<p>Sam misses a second meeting. Rank these responses, most appropriate first.</p>"
    difficulty = Question.Difficulty.HARD
    options = factory.LazyFunction(
        lambda: [
            ("option", {"text": "Send a friendly message", "rationale": "Keeps the door open."}),
            ("option", {"text": "Ask at the next team meeting", "rationale": "Slower."}),
            ("option", {"text": "Wait for Sam to get in touch", "rationale": "Passive."}),
            ("option", {"text": "Close the referral", "rationale": "Too soon."}),
        ]
    )


class WrittenResponseQuestionFactory(QuestionFactory):
    class Meta:
        model = WrittenResponseQuestion

    stem = "<p>Describe how you would share part of your own story with Alex.</p>"
    points = 2
    guidance = "Look for purpose, brevity, and a return to Alex's experience."
    rubric = factory.LazyFunction(default_rubric)


class ChoiceWithJustificationQuestionFactory(QuestionFactory):
    class Meta:
        model = ChoiceWithJustificationQuestion

    stem = "<p>Jo asks you to keep a secret about self-harm. What do you do?</p>"
    points = 2
    options = factory.LazyFunction(
        lambda: [
            option("Explain what you must share and why", correct=True),
            option("Promise to keep it secret", feedback="You cannot promise this."),
            option("Report it without telling Jo", feedback="Talk with Jo first where safe."),
        ]
    )
    justification_prompt = "Explain your choice."
    choice_weight = 50
    rubric = factory.LazyFunction(default_rubric)


QUESTION_FACTORIES = {
    factory_class._meta.model.type_key: factory_class
    for factory_class in (
        SingleChoiceQuestionFactory,
        MultipleResponseQuestionFactory,
        TrueFalseQuestionFactory,
        OrderingQuestionFactory,
        MatchingQuestionFactory,
        ScenarioJudgementQuestionFactory,
        WrittenResponseQuestionFactory,
        ChoiceWithJustificationQuestionFactory,
    )
}


class QuizPageFactory(WagtailPageFactory):
    """A published quiz in a module. `questions=[...]` lists them in that order."""

    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"Quiz {n}")
    introduction = "<p>Take your time: your answers save as you go.</p>"

    @classmethod
    def default_parent(cls):
        return ModulePageFactory()

    @classmethod
    def _create(cls, model_class, *args, questions=(), **kwargs):
        # Child rows go in with the page, so the published revision lists them too.
        kwargs["quiz_questions"] = [
            QuizQuestion(question=question, sort_order=order)
            for order, question in enumerate(questions)
        ]
        return super()._create(model_class, *args, **kwargs)
