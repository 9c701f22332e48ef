"""Secret ballots: who may vote and who voted (Elector) are kept apart from what was voted (Ballot).

A Ballot holds only ciphertexts under the session's public key (exponential ElGamal, see
`thidua.ballots.crypto`) with proofs that each encrypts 0 or 1 and that together they approve
no more than the seats. The private key exists nowhere: it was split at creation among the
session's Trustees, and only the homomorphic sum per candidate is ever decrypted, from the
partial decryptions that a threshold of trustees gives at counting. A Ballot row has a random
key, no timestamp and no link to a person; at closing the rows are rewritten in shuffled order.
Each voter holds a receipt, the hash of their ciphertext, which the published board lists.
See docs/architecture.md, "Secret ballots: threat model".
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Chuẩn bị")
    OPEN = "open", _("Đang bỏ phiếu")
    COUNTING = "counting", _("Chờ người giữ khóa kiểm phiếu")
    CLOSED = "closed", _("Đã kết thúc")


class Basis(models.TextChoices):
    ELECTORATE = "electorate", _("tổng số người có quyền bỏ phiếu")
    PRESENT = "present", _("số người tham gia bỏ phiếu")


class Operator(models.TextChoices):
    GT = "gt", _("trên (>)")
    GTE = "gte", _("từ … trở lên (≥)")


class BallotSession(models.Model):
    cluster = models.ForeignKey("orgs.Cluster", on_delete=models.CASCADE, related_name="ballots")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("nội dung bỏ phiếu"), max_length=300)
    award_code = models.CharField(_("hình thức đề nghị"), max_length=32, blank=True)
    seats = models.PositiveSmallIntegerField(_("số suất"), default=1)
    quorum_pct = models.DecimalField(
        _("tỷ lệ có mặt tối thiểu (%)"), max_digits=5, decimal_places=2, default=50
    )
    pass_pct = models.DecimalField(
        _("tỷ lệ đồng ý cần đạt (%)"), max_digits=5, decimal_places=2, default=50
    )
    pass_operator = models.CharField(max_length=3, choices=Operator.choices, default=Operator.GT)
    pass_basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.ELECTORATE)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    closes_at = models.DateTimeField(_("hạn bỏ phiếu"))
    status = models.CharField(
        max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.TextField(_("lý do tổ chức lại"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The election key: public part and Feldman commitments only; the private key is nowhere.
    public_key = models.CharField(max_length=64, blank=True)
    key_commitments = models.JSONField(default=list, blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("số người giữ khóa cần để kiểm phiếu"), default=2
    )
    min_ballots = models.PositiveSmallIntegerField(_("số phiếu tối thiểu để kiểm"), default=3)
    # At closing: the homomorphic sum of the ballots per candidate, which the trustees decrypt.
    encrypted_tally: Any = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bỏ phiếu")
        verbose_name_plural = _("phiên bỏ phiếu")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.cluster.code} {self.year}: {self.title}"


class Candidate(models.Model):
    """A unit or a person standing in the session. A person is held by the id and name the
    commendation side passes (`person_ref`, `name`): ballots know nothing of awards, and the
    encrypted ballots only ever see the candidate's id."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="candidates")
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT)
    person_ref = models.PositiveIntegerField(_("cá nhân (mã hồ sơ)"), null=True, blank=True)
    name = models.CharField(_("họ tên"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    score_rank = models.PositiveSmallIntegerField(_("hạng theo điểm"), null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "unit"], name="candidate_once"),
            models.UniqueConstraint(fields=["session", "person_ref"], name="candidate_person_once"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) ^ models.Q(person_ref__isnull=False),
                name="candidate_unit_or_person",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What the ballot paper shows: the unit's name, or the person's name as passed."""
        return self.unit.name if self.unit is not None else self.name

    @property
    def code(self) -> str:
        return self.unit.code if self.unit is not None else ""


class Elector(models.Model):
    """Participation only: whether this person has voted, never what or when."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT)
    voted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="elector_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.unit or ''})"


class Trustee(models.Model):
    """A holder of one Shamir share of the session's key (index from 1).

    The share is kept sealed (under a key derived from the server's SECRET_KEY, which is not in
    the database) only until its trustee collects it, which must happen before voting opens;
    then it is erased. At counting the trustee types it back; what is kept is the partial
    decryption of the tally with its proof, never the share.
    """

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="trustees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    index = models.PositiveSmallIntegerField()
    sealed_share = models.TextField(blank=True)
    collected = models.BooleanField(default=False)
    partial: Any = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["session", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="trustee_once"),
            models.UniqueConstraint(fields=["session", "index"], name="trustee_index_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.index} {self.user}"


class Ballot(models.Model):
    """What was voted, encrypted: no voter, no time, a random key; the receipt is its hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="ballots")
    receipt = models.CharField(max_length=16)
    ciphertext = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "receipt"], name="receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.receipt}"
