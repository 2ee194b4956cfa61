"""Organisations and certificates: checking a roster at once, holders sharing a certificate
with an employer (consent), the organisation's watch list, and the emails about a
certificate's standing (expiry reminders to holders and watchers; revoked, replaced and
expired notices to watchers), each sent once.

Organisations only ever see `public_record`: never an email address, a revocation reason or
anything about the holder's lived experience."""

import csv
import io
import logging
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.credentials.models import Certificate
from certification.credentials.services.codes import normalise_code
from certification.verification.services import find_certificates, public_record
from lms.accounts.models import Membership, Organisation
from lms.audit.services.events import record_event
from lms.audit.services.outbox import enqueue_task
from lms.exports import csv_safe
from lms.site import absolute_url

from .exceptions import RosterError, RosterRateLimitError, SharingError
from .models import CertificateNotice, CertificateShare

logger = logging.getLogger(__name__)

__all__ = [
    "ROSTER_MAX_BYTES",
    "ROSTER_MAX_ROWS",
    "RosterResult",
    "RosterRow",
    "carry_shares_forward",
    "check_roster",
    "csv_safe",
    "due_certificate_notices",
    "notify_watchers",
    "parse_roster",
    "roster_csv",
    "roster_rate_limit",
    "send_certificate_notice",
    "share_certificate",
    "sharing_organisations",
    "stop_sharing",
    "watch_list",
    "watcher_emails",
]

ROSTER_MAX_BYTES = 2 * 1024 * 1024
ROSTER_MAX_ROWS = 5000
ROSTER_MAX_CELL = 300
ROSTER_UPLOADS_PER_HOUR = 30
REMINDER_DAYS = {CertificateNotice.Kind.EXPIRING_60: 60, CertificateNotice.Kind.EXPIRING_14: 14}
WATCHER_ROLES = (Membership.Role.VERIFIER, Membership.Role.ORG_ADMIN)

CODE_HEADERS = {
    "code",
    "codes",
    "certificate",
    "certificate code",
    "certificate number",
    "certificate no",
    "certificate id",
    "verification code",
    "credential code",
    "credential id",
}
NAME_HEADERS = {
    "name",
    "names",
    "full name",
    "holder",
    "holder name",
    "employee",
    "employee name",
    "staff name",
    "person",
    "worker",
}
FIRST_NAME_HEADERS = {"first name", "given name", "forename", "first"}
LAST_NAME_HEADERS = {"last name", "surname", "family name", "last"}


# Rosters.


def _header_key(cell: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in cell.casefold())
    return " ".join(cleaned.split())


def _name_key(name: str) -> str:
    """A name compared without case, accents' composition or spacing differences."""
    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


@dataclass
class RosterRow:
    line: int  # the line in the file (1 is the first line), for the error messages
    name: str = ""
    code_text: str = ""
    code: str | None = None
    error: str = ""
    note: str = ""
    record: dict | None = None

    @property
    def state(self) -> str:
        if self.error:
            return "error"
        return self.record["status"]["state"] if self.record else "not_found"

    @property
    def label(self) -> str:
        if self.error:
            return "Not checked"
        return self.record["status"]["label"] if self.record else "Not found"

    @property
    def name_match(self) -> bool | None:
        """True or False when the row gives a name and the certificate was found."""
        if not (self.name and self.record):
            return None
        return _name_key(self.name) == _name_key(self.record["holder_name"])


@dataclass
class RosterResult:
    rows: list[RosterRow]
    has_names: bool
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict:
        counts = {"rows": len(self.rows), "errors": 0, "mismatches": 0}
        for row in self.rows:
            counts[row.state] = counts.get(row.state, 0) + 1
            if row.name_match is False:
                counts["mismatches"] += 1
        counts["errors"] = counts.get("error", 0)
        return counts


def _decode(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterError(
            _(
                "This is a spreadsheet workbook, not a CSV file. In your spreadsheet, choose "
                '"Save as" and the format "CSV", then upload that file.'
            )
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Spreadsheets' "Unicode text" export: UTF-16 with a byte-order mark.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RosterError(
                _("This file says it is UTF-16 text but is not. Save it again as CSV (UTF-8).")
            ) from None
    if b"\x00" in data[:4096]:
        raise RosterError(_("This file is not a CSV text file. Upload a .csv file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets on Windows save CSV in the Windows code page.
        return data.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _columns(header: list[str]) -> tuple[dict, list[str]] | None:
    """Column positions from a header row, or None when no cell is a known column name."""
    positions, ignored = {}, []
    for index, cell in enumerate(header):
        key = _header_key(cell)
        for column, names in (
            ("code", CODE_HEADERS),
            ("name", NAME_HEADERS),
            ("first", FIRST_NAME_HEADERS),
            ("last", LAST_NAME_HEADERS),
        ):
            if key in names and column not in positions:
                positions[column] = index
                break
        else:
            if cell.strip():
                ignored.append(cell.strip()[:60])
    return (positions, ignored) if positions else None


def _guess_code_column(records: list[list[str]]) -> int:
    """Without a header: two columns are a name and a code, in either order."""
    hits = [0, 0]
    for cells in records[:200]:
        for index in (0, 1):
            if len(cells) > index and normalise_code(cells[index]):
                hits[index] += 1
    return 0 if hits[0] > hits[1] else 1


def parse_roster(*, data: bytes) -> RosterResult:
    """Rows of a roster: codes, or names and codes, with or without a header, separated by
    commas, semicolons or tabs. Problems in a row are kept on the row; problems with the
    whole file raise RosterError."""
    if len(data) > ROSTER_MAX_BYTES:
        raise RosterError(
            _("The file is %(size).1f MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": len(data) / 1024 / 1024, "limit": ROSTER_MAX_BYTES // 1024 // 1024}
        )
    text = _decode(data)
    if not text.strip():
        raise RosterError(_("The file is empty. Put one certificate code on each line."))
    first_line = text.lstrip().split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    records = []
    try:
        for line_number, cells in enumerate(reader, start=1):
            cells = [cell.strip() for cell in cells]
            if any(cells):
                records.append((line_number, cells))
            if len(records) > ROSTER_MAX_ROWS + 1:
                raise RosterError(
                    _(
                        "The file has more than %(rows)s rows. Split it into files of at most "
                        "%(rows)s rows."
                    )
                    % {"rows": f"{ROSTER_MAX_ROWS:,}"}
                )
    except csv.Error as error:
        raise RosterError(
            _("We could not read the file as CSV (%(error)s).") % {"error": error}
        ) from error
    if not records:
        raise RosterError(_("The file is empty. Put one certificate code on each line."))

    header = _columns(records[0][1])
    ignored = []
    if (
        header is None
        and len(records) > 1
        and not any(normalise_code(cell) for cell in records[0][1])
        and any(normalise_code(cell) for cell in records[1][1])
    ):
        # A header with column names we do not know: skip it, and find the codes by content.
        records = records[1:]
    if header is not None:
        positions, ignored = header
        if "code" not in positions:
            raise RosterError(
                _(
                    'The first row looks like a header, but no column is called "code". Name '
                    'the column of certificate codes "Code".'
                )
            )
        header_width = len(records[0][1])
        body = records[1:]
    else:
        positions, header_width, body = None, None, records
    if len(body) > ROSTER_MAX_ROWS:
        raise RosterError(
            _(
                "The file has more than %(rows)s rows (%(count)s). Split it into files of at "
                "most %(rows)s rows."
            )
            % {"rows": f"{ROSTER_MAX_ROWS:,}", "count": f"{len(body):,}"}
        )
    if not body:
        raise RosterError(_("The file has a header but no rows under it."))

    has_names = positions is not None and bool({"name", "first", "last"} & set(positions))
    code_column = None
    if positions is None:
        has_names = any(len(cells) >= 2 for _line, cells in body)
        code_column = _guess_code_column([cells for _line, cells in body]) if has_names else 0

    rows, seen = [], {}
    for line, cells in body:
        row = RosterRow(line=line)
        rows.append(row)
        if any(len(cell) > ROSTER_MAX_CELL for cell in cells):
            row.error = f"A cell is longer than {ROSTER_MAX_CELL} characters."
            continue
        if positions is not None:
            if len(cells) > header_width:
                row.error = (
                    f"Too many columns: this row has {len(cells)}, the header has "
                    f"{header_width}. Is there a comma in a name? Put the name in quotes."
                )
                continue

            def cell(key, cells=cells):
                index = positions.get(key)
                return cells[index] if index is not None and index < len(cells) else ""

            row.code_text = cell("code")
            row.name = cell("name") or " ".join(p for p in (cell("first"), cell("last")) if p)
        else:
            if len(cells) > 2:
                row.error = (
                    f"Too many columns: this row has {len(cells)}. Give a code, or a name "
                    "and a code, on each row (or add a header row naming the columns)."
                )
                continue
            if len(cells) == 1:
                # A bare code on a line of its own, among lines that also give names: the
                # one cell is the code, whichever column the named lines keep it in.
                row.code_text = cells[0]
            else:
                row.code_text = cells[code_column]
                row.name = cells[1 - code_column]
        if not row.code_text:
            row.error = "No certificate code in this row."
            continue
        row.code = normalise_code(row.code_text)
        if row.code is None:
            row.error = (
                "This is not a certificate code: a code has 25 letters and digits "
                "(spaces and dashes do not matter)."
            )
            continue
        if row.code in seen:
            row.note = f"The same code as line {seen[row.code]}."
        else:
            seen[row.code] = line
    return RosterResult(rows=rows, has_names=has_names, ignored_columns=ignored)


def check_roster(*, data: bytes, today: date | None = None) -> RosterResult:
    """Parse a roster and look every code up at once (one query, whatever the number of
    codes). Unknown, hidden and not-yet-issued codes are all "not found"."""
    result = parse_roster(data=data)
    found = find_certificates(row.code for row in result.rows if row.code)
    today = today or timezone.localdate()
    records = {}
    for row in result.rows:
        certificate = found.get(row.code) if row.code else None
        if certificate is not None:
            if row.code not in records:
                records[row.code] = public_record(certificate, today=today)
            row.record = records[row.code]
    return result


ROSTER_CSV_HEADER = [
    "line",
    "name given",
    "code given",
    "status",
    "status date",
    "holder name",
    "name matches",
    "credential",
    "issued on",
    "expires on",
    "replaced by",
    "verification address",
    "problem",
]


def roster_csv(result: RosterResult) -> str:
    """The checked roster as CSV, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_CSV_HEADER)
    for row in result.rows:
        record = row.record or {}
        match = {True: "yes", False: "NO", None: ""}[row.name_match]
        writer.writerow(
            csv_safe(value)
            for value in (
                row.line,
                row.name,
                row.code_text,
                row.label,
                (record.get("status") or {}).get("date") or "",
                record.get("holder_name", ""),
                match,
                (record.get("credential") or {}).get("title", ""),
                record.get("issued_on") or "",
                record.get("expires_on") or "",
                (record.get("replaced_by") or {}).get("code", ""),
                record.get("verification_url", ""),
                row.error or row.note,
            )
        )
    return out.getvalue()


def roster_rate_limit(*, user, organisation) -> None:
    """At most ROSTER_UPLOADS_PER_HOUR roster checks per person and organisation an hour
    (each may hold 5,000 codes): enough for any real roster, not for harvesting."""
    window = int(timezone.now().timestamp()) // 3600
    key = f"roster-checks:{organisation.pk}:{user.pk}:{window}"
    cache.add(key, 0, timeout=3700)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=3700)
        count = 1
    if count > ROSTER_UPLOADS_PER_HOUR:
        raise RosterRateLimitError(
            _(
                "You have checked %(n)s rosters in the last hour. Please wait a little and try "
                "again, or put more codes in one file."
            )
            % {"n": ROSTER_UPLOADS_PER_HOUR}
        )


# Sharing and the watch list.


def sharing_organisations():
    """Organisations a holder may share a certificate with: employers."""
    return Organisation.objects.of_kind(Organisation.Kind.EMPLOYER).order_by("name")


@transaction.atomic
def share_certificate(*, holder, certificate_id: int, organisation_id: int) -> CertificateShare:
    """The holder lets an employer watch their issued certificate. Audited; sharing twice
    changes nothing."""
    certificate = (
        Certificate.objects.select_for_update().filter(pk=certificate_id, trainee=holder).first()
    )
    if certificate is None:
        raise SharingError(_("We could not find that certificate."), status=404)
    if certificate.status != Certificate.Status.ISSUED:
        raise SharingError(
            _(
                "Only an issued certificate can be shared. A certificate being prepared can be "
                "shared once it is ready."
            ),
            status=409,
        )
    organisation = sharing_organisations().filter(pk=organisation_id).first()
    if organisation is None:
        raise SharingError(_("Choose one of the organisations in the list."))
    existing = CertificateShare.objects.active().filter(
        certificate=certificate, organisation=organisation
    )
    if existing.exists():
        return existing.get()
    share = CertificateShare(
        certificate=certificate,
        organisation=organisation,
        shared_by=holder,
        shared_at=timezone.now(),
    )
    share.full_clean()
    share.save()
    record_event(
        actor=holder,
        action="certificate.shared",
        obj=certificate,
        after={"organisation": organisation.pk, "share": share.pk},
    )
    return share


@transaction.atomic
def stop_sharing(*, holder, share_id: int) -> CertificateShare:
    """The holder stops sharing: the organisation no longer sees the certificate on its
    watch list and hears nothing more about it. Audited; stopping twice changes nothing."""
    share = (
        CertificateShare.objects.select_for_update()
        .filter(pk=share_id, certificate__trainee=holder)
        .first()
    )
    if share is None:
        raise SharingError(_("We could not find that sharing."), status=404)
    if share.stopped_at is None:
        share.stopped_at = timezone.now()
        share.save(update_fields=["stopped_at"])
        record_event(
            actor=holder,
            action="certificate.unshared",
            obj=share.certificate,
            before={"organisation": share.organisation_id, "share": share.pk},
        )
    return share


def carry_shares_forward(*, certificate: Certificate, actor=None) -> int:
    """Move the live shares of a replaced certificate to its replacement (a renewal or a
    correction is the same credential for the same holder; the holder can stop sharing at
    any time). Call inside a transaction. Harmless to repeat. Returns how many moved."""
    replacement_id = certificate.replaced_by_id
    if replacement_id is None:
        return 0
    moved = 0
    now = timezone.now()
    for share in (
        CertificateShare.objects.active().select_for_update().filter(certificate=certificate)
    ):
        share.stopped_at = now
        share.save(update_fields=["stopped_at"])
        new, created = CertificateShare.objects.get_or_create(
            certificate_id=replacement_id,
            organisation_id=share.organisation_id,
            stopped_at=None,
            defaults={"shared_by_id": share.shared_by_id, "shared_at": now, "carried_from": share},
        )
        if created:
            moved += 1
            record_event(
                actor=actor,
                action="certificate.share_carried",
                obj=new.certificate,
                after={"organisation": share.organisation_id, "from_certificate": certificate.pk},
            )
    return moved


def watch_list(*, organisation, today: date | None = None) -> list[dict]:
    """The organisation's watch list: each certificate shared with it, by its public record
    only (never an email or a reason); a certificate its holder hid shows as not found.
    One query."""
    today = today or timezone.localdate()
    rows = []
    for share in CertificateShare.objects.for_organisation(organisation).order_by(
        "certificate__holder_name", "pk"
    ):
        certificate = share.certificate
        # Hidden by the holder: the organisation sees what anyone checking it sees ("not
        # found"), with only the code it already has. Being prepared: a renewal's new
        # certificate until its PDF is stored.
        visible = not certificate.hidden and certificate.status != Certificate.Status.PENDING
        rows.append(
            {
                "share": share,
                "code": certificate.grouped_code,
                "carried": share.carried_from_id is not None,
                "pending": certificate.status == Certificate.Status.PENDING
                and not certificate.hidden,
                "record": public_record(certificate, today=today) if visible else None,
            }
        )
    return rows


# Emails about a certificate's standing, each once.


def notify_watchers(*, certificate_id: int, change: str) -> int:
    """After a revocation or replacement commits: move live shares to the replacement, then
    queue one notice per organisation that was watching. Harmless to run twice (shares move
    once, notices are sent once). Returns how many notices were queued."""

    if change not in (CertificateNotice.Kind.REVOKED, CertificateNotice.Kind.REPLACED):
        return 0
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None:
            return 0
        if change == CertificateNotice.Kind.REPLACED:
            carry_shares_forward(certificate=certificate)
        organisation_ids = sorted(
            set(
                CertificateShare.objects.filter(certificate=certificate)
                .filter(_watching(change))
                .values_list("organisation_id", flat=True)
            )
        )
        # Written with the shares they follow; sent on commit or by the sweeper.
        for organisation_id in organisation_ids:
            # The task by its name: the tasks module imports this one.
            enqueue_task(
                "certification.tasks.send_certificate_notice_task",
                certificate_id,
                change,
                organisation_id,
            )
    return len(organisation_ids)


def _watching(kind) -> Q:
    """Shares whose organisation should hear `kind`: live ones; for a replacement, also those
    moved to the replacement and still live there."""
    live = Q(stopped_at__isnull=True)
    if kind == CertificateNotice.Kind.REPLACED:
        return live | Q(carried_to__isnull=False, carried_to__stopped_at__isnull=True)
    return live


def watcher_emails(organisation) -> list[str]:
    """Who hears about an organisation's watch list: its verifiers and organisation admins,
    else the organisation's contact address."""
    emails = sorted(
        set(
            Membership.objects.filter(
                organisation=organisation, role__in=WATCHER_ROLES, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )
    if not emails and organisation.contact_email:
        emails = [organisation.contact_email]
    return emails


def due_certificate_notices(*, today: date | None = None) -> list[tuple[int, int | None, str]]:
    """(certificate id, organisation id or None for the holder, kind) for every notice due
    today and not yet sent: expiry reminders at 60 and 14 days to the holder and to watching
    organisations, and "expired" to organisations watching a certificate that expired while
    shared. A missed day is caught up the next day; each notice still goes out once."""
    today = today or timezone.localdate()
    due = []
    sent = set()
    horizon = today + timedelta(days=max(REMINDER_DAYS.values()))
    expiring = list(
        Certificate.objects.filter(
            status=Certificate.Status.ISSUED,
            expires_on__gt=today,
            expires_on__lte=horizon,
            trainee__is_active=True,
        ).values_list("pk", "expires_on")
    )
    expiring_ids = [pk for pk, _expires in expiring]
    for notice in CertificateNotice.objects.filter(
        Q(certificate_id__in=expiring_ids) | Q(kind=CertificateNotice.Kind.EXPIRED)
    ).values_list("certificate_id", "organisation_id", "kind"):
        sent.add(notice)
    watchers = {}
    for certificate_id, organisation_id in (
        CertificateShare.objects.active()
        .filter(certificate_id__in=expiring_ids)
        .values_list("certificate_id", "organisation_id")
    ):
        watchers.setdefault(certificate_id, []).append(organisation_id)
    for pk, expires_on in expiring:
        days_left = (expires_on - today).days
        # The nearest reminder only: a certificate first seen 10 days before expiry gets
        # the 14-day reminder, not both.
        kind = (
            CertificateNotice.Kind.EXPIRING_14
            if days_left <= REMINDER_DAYS[CertificateNotice.Kind.EXPIRING_14]
            else CertificateNotice.Kind.EXPIRING_60
        )
        for organisation_id in [None, *watchers.get(pk, [])]:
            if (pk, organisation_id, kind) not in sent:
                due.append((pk, organisation_id, str(kind)))
    expired = CertificateShare.objects.active().filter(
        certificate__status=Certificate.Status.ISSUED,
        certificate__expires_on__lt=today,
        # Only certificates that expired while shared: sharing an expired one is no news.
        shared_at__date__lte=F("certificate__expires_on"),
    )
    for certificate_id, organisation_id in expired.values_list("certificate_id", "organisation_id"):
        if (certificate_id, organisation_id, CertificateNotice.Kind.EXPIRED) not in sent:
            due.append((certificate_id, organisation_id, str(CertificateNotice.Kind.EXPIRED)))
    return due


NOTICE_SUBJECTS = {
    "holder": {
        CertificateNotice.Kind.EXPIRING_60: "Your certificate expires in 60 days",
        CertificateNotice.Kind.EXPIRING_14: "Your certificate expires in 14 days",
    },
    "organisation": {
        CertificateNotice.Kind.EXPIRING_60: "A certificate you watch expires in 60 days",
        CertificateNotice.Kind.EXPIRING_14: "A certificate you watch expires in 14 days",
        CertificateNotice.Kind.EXPIRED: "A certificate you watch has expired",
        CertificateNotice.Kind.REVOKED: "A certificate you watch has been revoked",
        CertificateNotice.Kind.REPLACED: "A certificate you watch has been replaced",
    },
}


def send_certificate_notice(
    *, certificate_id: int, kind: str, organisation_id: int | None = None
) -> bool:
    """Send one notice about a certificate, once: to the holder (no organisation) or to a
    watching organisation (only while the holder shares it with them). The notice row is
    written in the same transaction as the send, so a failed send is retried and a sent one
    is never repeated. Returns whether this call sent it."""
    audience = "holder" if organisation_id is None else "organisation"
    if kind not in NOTICE_SUBJECTS[audience]:
        return False
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_related("trainee", "replaced_by")
            .filter(pk=certificate_id)
            .first()
        )
        if certificate is None:
            return False
        if organisation_id is not None and certificate.hidden:
            return False  # hidden from checks: organisations are told nothing about it
        organisation = None
        if organisation_id is not None:
            organisation = Organisation.objects.filter(pk=organisation_id).first()
            shared = CertificateShare.objects.filter(
                certificate=certificate, organisation_id=organisation_id
            )
            # Only while the holder shares it (for a replacement: shared when it was
            # replaced, the share having moved to the new certificate since).
            if organisation is None or not shared.filter(_watching(kind)).exists():
                return False  # consent withdrawn: nothing more is said
            recipients = watcher_emails(organisation)
        else:
            if not certificate.trainee.is_active or certificate.status != "issued":
                return False
            recipients = [certificate.trainee.email]
        if not recipients:
            return False
        try:
            with transaction.atomic():
                CertificateNotice.objects.create(
                    certificate=certificate,
                    organisation=organisation,
                    kind=kind,
                    recipients=len(recipients),
                )
        except IntegrityError:
            return False  # already sent (by an earlier run or another worker)
        site = absolute_url()
        record = public_record(certificate)
        context = {
            "kind": kind,
            "organisation": organisation,
            "record": record,
            "days": REMINDER_DAYS.get(kind),
            "renewed": bool(
                certificate.replaced_by
                and certificate.expires_on
                and certificate.replaced_by.expires_on
                and certificate.replaced_by.expires_on > certificate.expires_on
            ),
            "replacement_expires_on": (
                certificate.replaced_by.expires_on if certificate.replaced_by else None
            ),
            "watch_url": (
                site + reverse("organisations:watch", kwargs={"slug": organisation.slug})
                if organisation
                else ""
            ),
            "renew_url": site + reverse("renewal:home"),
            "certificate_url": site + certificate.get_absolute_url(),
        }
        template = "holder" if organisation is None else "organisation"
        body = render_to_string(f"certification/email/notice_{template}.txt", context)
        subject = NOTICE_SUBJECTS[audience][kind]
        # One message per person: colleagues at an organisation do not see each other's
        # addresses, and a holder's reminder never goes to anyone else.
        messages = [EmailMessage(subject, body, None, [email]) for email in recipients]
        get_connection().send_messages(messages)
    return True
