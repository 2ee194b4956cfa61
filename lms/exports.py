"""Helpers for files people download and open in other programs (CSV exports)."""

# A cell starting with one of these (after any spaces) may be run as a formula by a
# spreadsheet; tab, carriage return and newline first can smuggle one past a naive check.
FORMULA_STARTS = ("=", "+", "-", "@", "|", "%")
CONTROL_STARTS = ("\t", "\r", "\n")


def csv_safe(value) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection): a cell whose
    first character (or first after spaces) could start a formula is prefixed with '.
    The one copy: every CSV export (rosters, cohort progress, item statistics) calls it."""
    text = "" if value is None else str(value)
    if text[:1] in CONTROL_STARTS or text.lstrip(" ")[:1] in FORMULA_STARTS:
        return "'" + text
    return text
