"""Query-count guards on the hot paths: the number of queries does not grow with the rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards.eligibility import Nominee, evaluate_many
from thidua.awards.models import AwardEntry, Person
from thidua.awards.registry import import_registry

HEADER = "Họ và tên,Năm sinh,Đơn vị,Hình thức khen thưởng,Năm,Số quyết định,Ngày quyết định\n"
GIVEN = ["Hùng", "Hưng", "Lan", "Mai", "Nam", "Tâm", "Thảo", "Việt", "Yến", "Đạt"]


def _file(tmp_path, n: int, tag: str):
    lines = [
        f"Nguyễn Văn {GIVEN[i % 10]} {tag}{i},{1970 + i % 30},Sở Tài chính,LDTT,2024,"
        f"{i}/QĐ-{tag},05/02/2025\n"
        for i in range(n)
    ]
    lines.append(f"Phòng Tổng hợp {tag},,Sở Nội vụ,TTLDTT,2024,X/QĐ-{tag},05/02/2025\n")
    path = tmp_path / f"{tag}.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_registry_import_uses_the_same_queries_for_5_and_500_rows(db, tmp_path):
    small, big = _file(tmp_path, 5, "A"), _file(tmp_path, 500, "B")
    assert _queries(lambda: import_registry(small)) == _queries(lambda: import_registry(big))
    # 500 people's rows and the collective's.
    assert AwardEntry.objects.filter(decision_number__endswith="/QĐ-B").count() == 501
    # A second import of the same file matches the people instead of creating them again.
    before = Person.objects.count()
    again = import_registry(big)
    assert again.ok and again.people_created == 0 and Person.objects.count() == before


def test_eligibility_screening_uses_the_same_queries_for_1_and_200_nominees(db):
    people = Person.objects.bulk_create(
        [Person(full_name=f"Trần Thị {i}", name_key=f"tran thi {i}") for i in range(200)]
    )
    nominees = [Nominee(award="LDTT", year=2025, person_id=p.pk) for p in people]
    one = _queries(lambda: evaluate_many(nominees[:1]))
    assert _queries(lambda: evaluate_many(nominees)) == one


def test_the_review_page_uses_the_same_queries_for_12_and_5_members(client, users, tnb, tp5):
    from thidua.orgs.models import Membership

    client.force_login(users["bantw"])

    def view(cluster) -> int:
        def get():
            response = client.get(f"/clusters/{cluster.code}/2019H1/review/")
            assert response.status_code == 200

        return _queries(get)

    sizes = {c.code: Membership.objects.filter(cluster=c, year=2019).count() for c in (tnb, tp5)}
    assert sizes == {"TNB": 12, "TP5": 5}
    assert view(tnb) == view(tp5) <= 10
    # Seen again with nothing written since: session, user, cluster, roles and the write stamp.
    assert view(tnb) == view(tp5) <= 5


def test_the_board_dashboard_uses_the_same_queries_for_2_and_5_clusters(client, users, tnb):
    from thidua.orgs.models import Cluster, Membership

    client.force_login(users["bantw"])

    def view() -> int:
        def get():
            assert client.get("/").status_code == 200

        return _queries(get)

    before = view()
    members = list(Membership.objects.filter(cluster=tnb, year=2019)[:4])
    for n in range(3):
        extra = Cluster.objects.create(
            code=f"EXTRA{n}", name=f"Cụm thêm {n}", kind=tnb.kind, organiser=tnb.organiser
        )
        Membership.objects.bulk_create(
            Membership(cluster=extra, year=2019, unit=m.unit, role=m.role) for m in members
        )
    assert Cluster.objects.count() >= 5
    assert view() == before
