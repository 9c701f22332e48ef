"""notify(): the in-app notice for each user, and the e-mail when configured and wanted."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import translation

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import record
from thidua.notices import audit_actions
from thidua.notices.models import Notice, Preference

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str  # what happened, then what to do
    link: str = ""  # a path on the site ("/reports/12/") or an absolute URL
    key: str = ""  # a reminder's identity: made once per user (Notice.key)


def site_language() -> translation.override:
    """Messages are written in the site's language, whatever the language of the request or
    command that caused them (the recipient reads them later, elsewhere)."""
    return translation.override(settings.LANGUAGE_CODE)


def absolute(link: str) -> str:
    if not link or "://" in link:
        return link
    return settings.THIDUA_SITE_URL + link


def notify(users: Iterable, message: Message) -> list[Notice]:
    """Write the notice for every user (once per key), e-mail it after the transaction commits."""
    by_id = {u.pk: u for u in users if u is not None and u.pk and u.is_active}
    if message.key:
        had = Notice.objects.filter(user_id__in=by_id, key=message.key)
        for user_id in had.values_list("user_id", flat=True):
            by_id.pop(user_id, None)
    if not by_id:
        return []
    link = absolute(message.link)
    fields = {"kind": message.kind, "subject": message.subject[:255], "body": message.body}
    notices = Notice.objects.bulk_create(
        [Notice(user_id=pk, link=link, key=message.key, **fields) for pk in sorted(by_id)]
    )
    wanted = email_wanted(by_id.values())
    mailed = [n for n in notices if n.user_id in wanted]
    if mailed:
        transaction.on_commit(lambda: send_emails(mailed, by_id))
    return notices


def email_wanted(users: Iterable) -> set[int]:
    """Users who get e-mail: one is configured, the user has an address and did not opt out."""
    if not settings.THIDUA_EMAIL_ENABLED:
        return set()
    with_address = {u.pk for u in users if u.email}
    off = Preference.objects.filter(user_id__in=with_address, email=False)
    return with_address - set(off.values_list("user_id", flat=True))


def send_emails(notices: list[Notice], users: dict) -> int:
    """Send over one connection; a mail server that is down leaves the notices in-app only."""
    emails = [
        EmailMessage(
            subject=n.subject,
            body=f"{n.body}\n\n{n.link}" if n.link else n.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[users[n.user_id].email],
        )
        for n in notices
    ]
    try:
        with get_connection() as connection:
            sent = connection.send_messages(emails) or 0
    except Exception as exc:  # smtplib and socket errors alike: the notice is kept in-app
        log.warning("thidua: e-mail not sent (%s): %s", type(exc).__name__, exc)
        return 0
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed=True)
    return sent


def email_preference(user: Actor) -> bool:
    pref = Preference.objects.filter(user_id=user.pk).values_list("email", flat=True).first()  # type: ignore[misc]
    return True if pref is None else pref


def set_email_preference(user: Actor, wanted: bool, *, via: str = "web") -> None:
    perms.require(getattr(user, "is_authenticated", False))
    with transaction.atomic():
        before = email_preference(user)
        Preference.objects.update_or_create(user_id=user.pk, defaults={"email": wanted})
        change = ({"email": before}, {"email": wanted})
        record(user, audit_actions.EMAIL_PREFERENCE, user, *change, via=via)


def mark_read(user: Actor, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (all of them when no ids are given)."""
    mine = Notice.objects.filter(user_id=user.pk, read=False)  # type: ignore[misc]
    if notice_ids is not None:
        mine = mine.filter(pk__in=list(notice_ids))
    return mine.update(read=True)


def unread_count(user: Actor) -> int:
    return Notice.objects.filter(user_id=user.pk, read=False).count()  # type: ignore[misc]
