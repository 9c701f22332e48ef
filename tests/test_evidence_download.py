"""Evidence files come back out one at a time: only to those who may see the proposal, as an
attachment under a cleaned name, never sniffed, and only from the name the server generated.

Cast: `longan` (the proposing unit's officer), `kiengiang`/`hanoi` (other units), `xem` (viewer),
`bantw` (board).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from thidua.awards import files, services
from thidua.awards.models import Person, ProposalFile
from thidua.orgs.models import Unit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% minh chung <script>alert(1)</script>\n"


@pytest.fixture
def proposal(users):
    person = Person.objects.create(
        full_name="Đỗ Thị Minh Chứng", birth_year=1979, unit=Unit.objects.get(code="80.STC")
    )
    return services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)


@pytest.fixture
def evidence(users, proposal):
    return services.attach_file(
        users["longan"], proposal, name="Báo cáo thành tích.pdf", content=PDF, kind="bao_cao"
    )


def login(users, name: str) -> Client:
    client = Client()
    if name != "anon":
        client.force_login(users[name])
    return client


def url(stored: ProposalFile, proposal_id: int | None = None) -> str:
    return reverse(
        "web:proposal_file_download",
        kwargs={"proposal_id": proposal_id or stored.proposal_id, "file_id": stored.pk},
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_proposing_unit_and_the_board_download_the_file_as_an_attachment(users, evidence):
    for name in ("longan", "bantw"):
        response = login(users, name).get(url(evidence))
        assert response.status_code == 200
        assert body(response) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"] == (
            'attachment; filename="Bao-cao-thanh-tich.pdf"; '
            f"filename*=UTF-8''{quote('Báo cáo thành tích.pdf', safe='')}"
        )


def test_another_unit_a_viewer_and_the_public_may_not_download(users, evidence):
    for name in ("kiengiang", "hanoi", "xem"):
        response = login(users, name).get(url(evidence))
        assert response.status_code == 403, name
    anonymous = login(users, "anon").get(url(evidence))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_file_is_served_only_under_its_own_proposal(users, evidence, proposal):
    other_person = Person.objects.create(
        full_name="Người Khác", birth_year=1980, unit=Unit.objects.get(code="80.STC")
    )
    other = services.create_proposal(
        users["longan"], award="CSTDBT", year=2025, person=other_person
    )
    # longan may see both proposals, yet the file is not reachable through the other one.
    assert login(users, "longan").get(url(evidence, other.pk)).status_code == 404
    missing = reverse("web:proposal_file_download", args=[proposal.pk, evidence.pk + 999])
    assert login(users, "longan").get(missing).status_code == 404


def test_the_name_given_by_the_uploader_is_cleaned_and_never_a_path(users, proposal):
    stored = services.attach_file(
        users["longan"],
        proposal,
        name='C:\\..\\..\\evil"; filename=x.exe\r\n.pdf',
        content=PDF,
        kind="khac",
    )
    assert stored.file.name.startswith(f"proposals/{proposal.pk}/")
    assert "evil" not in stored.file.name  # stored under a generated name
    disposition = login(users, "longan").get(url(stored))["Content-Disposition"]
    plain = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert plain.endswith(".pdf") and "/" not in plain and "\\" not in plain
    assert ";" not in plain and "\r" not in disposition and "\n" not in disposition
    assert disposition.count('"') == 2  # the quotes around the ASCII name only
    assert '"; filename=x.exe' not in disposition


def test_the_extension_is_the_stored_files_not_the_uploaders(users, evidence):
    ProposalFile.objects.filter(pk=evidence.pk).update(original_name="trang.html")
    evidence.refresh_from_db()
    response = login(users, "longan").get(url(evidence))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="trang.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd", "proposals/1/../../secret.pdf", "/etc/hosts", "x.pdf"]
)
def test_a_path_that_the_server_did_not_generate_is_never_read(users, evidence, name):
    ProposalFile.objects.filter(pk=evidence.pk).update(file=name)
    assert login(users, "longan").get(url(evidence)).status_code == 404
    assert login(users, "bantw").get(url(evidence)).status_code == 404


def test_a_file_missing_on_disk_is_a_404(users, evidence):
    evidence.file.storage.delete(evidence.file.name)
    assert login(users, "longan").get(url(evidence)).status_code == 404


def test_the_proposal_page_links_each_file_and_escapes_its_name(users, proposal):
    stored = services.attach_file(
        users["longan"], proposal, name="<img src=x onerror=alert(1)>.pdf", content=PDF, kind="khac"
    )
    page = login(users, "longan").get(reverse("web:proposal", args=[proposal.pk])).content.decode()
    assert f'href="{url(stored)}"' in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
    assert "<img src=x" not in page


def test_the_api_serves_the_same_file_to_the_same_people(users, evidence):
    path = f"/api/v1/proposals/{evidence.proposal_id}/files/{evidence.pk}"
    response = login(users, "longan").get(path)
    assert response.status_code == 200 and body(response) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert login(users, "kiengiang").get(path).status_code == 403
    gone = f"/api/v1/proposals/{evidence.proposal_id}/files/{evidence.pk + 999}"
    assert login(users, "bantw").get(gone).status_code == 404


def test_download_names_keep_vietnamese_and_fall_back_to_ascii(evidence):
    plain, full = files.download_names(evidence)
    assert (plain, full) == ("Bao-cao-thanh-tich.pdf", "Báo cáo thành tích.pdf")
    evidence.original_name = "đơn đề nghị.pdf"
    assert files.download_names(evidence) == ("don-de-nghi.pdf", "đơn đề nghị.pdf")
    evidence.original_name = "....pdf"
    plain, full = files.download_names(evidence)
    assert plain == full == f"de-nghi-{evidence.proposal_id}-{evidence.pk}.pdf"
