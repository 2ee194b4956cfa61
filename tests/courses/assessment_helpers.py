"""Building questions and quizzes for assessment tests, through the same code the demo uses."""

from courses.demo import build_question
from courses.models import QuizPage, QuizQuestion

SPECS = {
    "single_choice": {
        "type": "single_choice",
        "stem": "<p>Which is the peer role?</p>",
        "feedback": "Peer work is non-clinical.",
        "options": [
            {"text": "Therapist", "correct": False, "feedback": "Therapy is clinical."},
            {
                "text": "Peer worker",
                "correct": True,
                "feedback": "Yes: lived experience, on purpose.",
            },
            {"text": "Sponsor", "correct": False, "feedback": "Sponsors sit inside a fellowship."},
        ],
    },
    "multiple_response": {
        "type": "multiple_response",
        "stem": "<p>Which belong in a first meeting?</p>",
        "feedback": "Set out the role, hours and limits.",
        "options": [
            {"text": "Your hours", "correct": True},
            {"text": "Confidentiality and its limits", "correct": True},
            {"text": "Your full using history", "correct": False},
            {"text": "Your personal number", "correct": False},
        ],
    },
    "true_false": {
        "type": "true_false",
        "stem": "<p>Peer workers keep no notes.</p>",
        "answer": False,
        "explanation": "Notes support accountability.",
    },
    "ordering": {
        "type": "ordering",
        "stem": "<p>Order the decision steps.</p>",
        "items": ["Avoid", "Disclose", "Consult", "Record"],
    },
    "matching": {
        "type": "matching",
        "stem": "<p>Match the role.</p>",
        "pairs": [
            {"left": "Sponsor", "right": "Fellowship guide"},
            {"left": "Clinician", "right": "Diagnoses"},
            {"left": "Peer worker", "right": "Lived experience on purpose"},
        ],
    },
    "scenario_judgement": {
        "type": "scenario_judgement",
        "stem": "<p>Jordan asks you to be their sponsor.</p>",
        "options": [
            {
                "text": "Thank them, explain the role, help find a sponsor",
                "rationale": "Honest and kind.",
            },
            {"text": "Take it to supervision first", "rationale": "Good, slower."},
            {"text": "Change the subject", "rationale": "Avoids it."},
            {"text": "Agree", "rationale": "Mixes roles."},
        ],
    },
    "written_response": {
        "type": "written_response",
        "stem": "<p>Describe how you would end a working relationship.</p>",
        "guidance": "Planning, handover, a kind goodbye.",
        "rubric": [
            {
                "criterion": "Plans the ending",
                "levels": [
                    {"label": "Not yet", "points": 0, "descriptor": ""},
                    {"label": "Developing", "points": 1, "descriptor": ""},
                    {"label": "Secure", "points": 2, "descriptor": ""},
                ],
            },
            {
                "criterion": "Hands over",
                "levels": [
                    {"label": "Not yet", "points": 0, "descriptor": ""},
                    {"label": "Developing", "points": 1, "descriptor": ""},
                    {"label": "Secure", "points": 2, "descriptor": ""},
                ],
            },
        ],
    },
    "choice_with_justification": {
        "type": "choice_with_justification",
        "stem": "<p>A person offers you a gift card.</p>",
        "options": [
            {"text": "Decline kindly and follow policy", "correct": True},
            {"text": "Accept quietly", "correct": False},
        ],
        "justification_prompt": "Why?",
        "rubric": [
            {
                "criterion": "Uses policy",
                "levels": [
                    {"label": "Not yet", "points": 0, "descriptor": ""},
                    {"label": "Yes", "points": 2, "descriptor": ""},
                ],
            },
        ],
    },
}


def make_question(kind: str, **overrides):
    spec = {**SPECS[kind], **overrides}
    return build_question(spec, "test-course")


def make_quiz(parent, questions, **settings):
    quiz = QuizPage(
        title=settings.pop("title", "Check your understanding"),
        slug=settings.pop("slug", "quiz"),
        **settings,
    )
    for order, question in enumerate(questions):
        quiz.quiz_questions.add(QuizQuestion(question=question, sort_order=order))
    parent.add_child(instance=quiz)
    quiz.save_revision().publish()
    return quiz
