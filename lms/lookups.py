"""Lookups that treat an id no column can hold as "no such row", like Django does for
`exact` on an integer field.

Django (5.0+) answers `filter(id=2**63)` on an integer field with no rows. It does not for
the lookups our admin forms and filters make through a relation: `CoursePage.objects.get(
pk=...)` compares the one-to-one `page_ptr` key, and ModelMultipleChoiceField asks
`pk__in=[...]`. Those put the number into the query as it is, and SQLite cannot bind an
integer past 2**63-1 (OverflowError); on PostgreSQL a page id past 2**31-1 is compared with
a 32-bit column. The submitted id then turns into a server error inside Wagtail's own cohort
and accommodation forms and listing filters ("course", "quiz", "learners") instead of the
field's "Select a valid choice" or an empty listing.

These replace `exact` and `in` on relations and `in` on integer fields with versions that
drop numbers past the range of the column compared (the target's column for a relation), so
every form, filter and chooser of every model gets the right answer from one place."""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _column_range(lookup, connection) -> tuple[int | None, int | None]:
    """The (min, max) of the integer column the lookup compares, or (None, None)."""
    field = lookup.lhs.output_field
    while field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field  # a key to a key (page_ptr) ends at the real column
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:  # not an integer column
        return None, None


def _in_range(value, bounds) -> bool:
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    return (low is None or value >= low) and (high is None or value <= high)


class InRangeRelatedExact(RelatedExact):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not _in_range(self.rhs, _column_range(self, connection)):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class InRangeMixin:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            bounds = _column_range(self, connection)
            # Dropped rather than refused: no row holds them, and an empty list is
            # EmptyResultSet in In.process_rhs.
            self.rhs = [v for v in self.rhs if _in_range(v, bounds)]
        return super().process_rhs(compiler, connection)


class InRangeRelatedIn(InRangeMixin, RelatedIn):
    pass


class InRangeIntegerIn(InRangeMixin, In):
    pass


def register_in_range_lookups() -> None:
    """Put the lookups above in place of Django's (called once, from an app's `ready()`)."""
    ForeignObject.register_lookup(InRangeRelatedExact)
    ForeignObject.register_lookup(InRangeRelatedIn)
    IntegerField.register_lookup(InRangeIntegerIn)
