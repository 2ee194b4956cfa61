from .accounts import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory
from .cms import HomePageFactory, StandardPageFactory
from .courses import (
    CohortFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    EnrolmentFactory,
    LessonPageFactory,
    ModulePageFactory,
    build_course,
)
from .practicum import Practicum, build_practicum, log_entry
from .questions import (
    QUESTION_FACTORIES,
    ChoiceWithJustificationQuestionFactory,
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    OrderingQuestionFactory,
    QuizPageFactory,
    ScenarioJudgementQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    WrittenResponseQuestionFactory,
)

__all__ = [
    "CohortFactory",
    "CourseIndexPageFactory",
    "CoursePageFactory",
    "EnrolmentFactory",
    "LessonPageFactory",
    "ModulePageFactory",
    "build_course",
    "QUESTION_FACTORIES",
    "ChoiceWithJustificationQuestionFactory",
    "MatchingQuestionFactory",
    "MultipleResponseQuestionFactory",
    "OrderingQuestionFactory",
    "QuizPageFactory",
    "ScenarioJudgementQuestionFactory",
    "SingleChoiceQuestionFactory",
    "TrueFalseQuestionFactory",
    "WrittenResponseQuestionFactory",
    "HomePageFactory",
    "InvitationFactory",
    "MembershipFactory",
    "Practicum",
    "build_practicum",
    "log_entry",
    "OrganisationFactory",
    "StandardPageFactory",
    "UserFactory",
]
