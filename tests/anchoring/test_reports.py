"""Every text change reports what it did to discussions: on the import batch page and on
the document's history for staff (issue 12)."""

import pytest
from django.urls import reverse

from corpus_import.load import import_paths
from studygroups.library.models import Document, TextRevision
from tests.factories import add_member, make_group, post

pytestmark = pytest.mark.django_db

PARAS = [
    "The tenants met on the stairs one cold evening and agreed to write down their demands.",
    "Maria brought a single sheet of paper and a pencil borrowed from her daughter's school.",
    "They argued for an hour about whether to ask for repairs first or for a rent freeze.",
    "In the end the list had seven items, and the broken boiler was at the top of it.",
    "Nobody wanted to carry the sheet alone, so they walked to the office together at nine.",
    "The clerk read it twice, said the owner would reply within a week, and he did not.",
]


def _write(path, paras):
    path.write_text("Tenants meet\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")


@pytest.fixture
def corrected(tmp_path):
    path = tmp_path / "tenants.txt"
    _write(path, PARAS)
    import_paths([path])
    document = Document.objects.get()
    group = make_group(organizer=None)
    member = add_member(group).user
    blocks = list(document.blocks.order_by("order"))
    for block in blocks:
        if block.text in PARAS:
            post(
                group,
                document,
                member,
                anchor=block.anchor,
                quote=" ".join(block.text.split()[2:7]),
            )
    changed = [PARAS[0], PARAS[2] + " " + PARAS[3], PARAS[1], PARAS[5]]  # merge, move, drop 4
    _write(path, changed)
    result = import_paths([path])
    return document, result


def test_reimport_report_counts_paragraphs_and_discussions(corrected):
    document, result = corrected
    [entry] = result.report["files"][0]["documents"]
    changes = entry["changes"]
    assert changes["paragraphs"]["merged"] == 1 and changes["paragraphs"]["removed"] == 1
    assert changes["paragraphs"]["moved"] + changes["paragraphs"]["kept"] >= 3
    discussions = changes["discussions"]
    assert discussions["threads_without_passage"] == 1
    assert discussions["threads_moved"] >= 1  # the merged paragraph's thread
    revision = TextRevision.objects.get(document=document)
    assert revision.report["discussions"] == discussions
    assert revision.source_name == "tenants.txt"


def test_batch_page_shows_what_the_correction_did(client, staff_user, corrected):
    _, result = corrected
    client.force_login(staff_user)
    page = client.get(reverse("corpus_import:batch", args=[result.batch.pk])).content.decode()
    assert "Corrected texts and their discussions" in page
    assert "1 merged" in page and "1 left without a passage" in page


def test_document_history_is_for_staff(client, staff_user, user, corrected):
    document, _ = corrected
    url = reverse("library:document_history", args=[document.slug])
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 404
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert "Revision 2" in page and "1 merged" in page and "left without a passage" in page
    detail = client.get(document.get_absolute_url()).content.decode()
    assert url in detail
