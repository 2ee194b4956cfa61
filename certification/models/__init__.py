from .frameworks import Competency, CourseAlignment, Domain, Framework

__all__ = ["Competency", "CourseAlignment", "Domain", "Framework"]
