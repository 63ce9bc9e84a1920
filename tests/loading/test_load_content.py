import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.content import CONTENT_DIR
from catalog.loading.load import load
from catalog.loading.read import ContentError, read_content
from catalog.models import Code, CodeList, ContactType, Entry, Section, SourceDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_dir(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def replace_in(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_psychiatry_list_has_13_sections_and_98_entries_with_pr002_twice():
    psykiatri = CodeList.objects.get(slug="psykiatri")
    assert psykiatri.sections.count() == 13
    assert psykiatri.entries.count() == 98
    assert psykiatri.entries.filter(code__code="PR002").count() == 2
    first_section = psykiatri.sections.order_by("order").first()
    assert first_section.title == "Undersökning och bedömning"


def test_overview_only_and_table_only_codes_are_marked():
    psykiatri = CodeList.objects.get(slug="psykiatri")
    overview_only = set(psykiatri.entries.filter(in_table=False).values_list("code__code", flat=True))
    assert overview_only == {"AW010", "ZV020"}
    zv060 = psykiatri.entries.get(code__code="ZV060")
    assert zv060.in_table and zv060.overview_title is None


def test_psychologists_list_has_3_sections_and_14_codes():
    skrs = CodeList.objects.get(slug="psykologer-skrs")
    assert skrs.sections.count() == 3
    assert skrs.entries.values("code").distinct().count() == 14


def test_decision_list_holds_existing_and_new_home_visit_codes():
    bhv = CodeList.objects.get(slug="bhv-hembesok")
    codes = set(bhv.entries.values_list("code__code", flat=True))
    assert codes == {"UX273", "UX274", "UX275", "UX276", "UX277", "UX278", "UX284", "UX293", "UX294"}
    assert bhv.source.identifier == "RS 2024-00668"
    assert str(bhv.source.date) == "2024-02-07"


def test_vardval_rules_carry_fees_points_and_required_codes():
    rows = ContactType.objects.filter(document__slug="vardval-rehab-distans")
    team = rows.get(slug="video-team")
    assert team.required_codes == ["ZV051"]
    assert set(team.one_of_codes) == {"AU124", "AU125", "AW010", "AW020", "AW024", "AW026", "DV077"}
    logoped = rows.get(staff_category="Arbetsterapeut, logoped")
    assert (logoped.patient_fee, logoped.contact_points, float(logoped.points)) == ("100 kr", "1,2**", 1.2)
    assert "**" in logoped.footnotes


def test_codes_mentioned_but_in_no_list_exist_marked_outside_the_lists():
    zv229 = Code.objects.get(code="ZV229")
    assert zv229.outside_lists and not zv229.entries.exists()


def test_second_load_is_idempotent():
    report = load(read_content())
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert report.kept_edits == []


def test_reload_keeps_an_edit_made_in_the_site_and_reports_it():
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="AU118")
    entry.anvisning = "Redigerad av samordnare."
    entry.save()
    report = load(read_content())
    entry.refresh_from_db()
    assert entry.anvisning == "Redigerad av samordnare."
    assert any("AU118" in line and "anvisning" in line for line in report.kept_edits)


def test_reload_updates_text_that_was_not_edited(content_dir):
    replace_in(content_dir / "psykologer-skrs.toml", "Endast vid KBT", "Endast vid KBT (ny lydelse)")
    report = load(read_content(content_dir))
    entry = Entry.objects.get(code_list__slug="psykologer-skrs", code__code="DU011")
    assert entry.anvisning.startswith("Endast vid KBT (ny lydelse)")
    assert report.updated["post"] == 1
    assert entry.version == 2


def test_unknown_code_in_a_text_is_an_error_naming_file_and_entry(content_dir):
    replace_in(content_dir / "psykologer-skrs.toml", "Endast vid KBT", "Endast vid KBT, se QQ999")
    with pytest.raises(ContentError) as error:
        read_content(content_dir)
    message = str(error.value)
    assert "psykologer-skrs.toml" in message and "DU011" in message and "QQ999" in message


def test_duplicate_code_in_a_section_is_an_error(content_dir):
    path = content_dir / "bhv-hembesok.toml"
    replace_in(path, 'code = "UX274"', 'code = "UX273"')
    with pytest.raises(ContentError, match="UX273 appears more than once"):
        read_content(content_dir)


def test_missing_field_is_an_error_naming_the_entry(content_dir):
    replace_in(content_dir / "bhv-hembesok.toml", 'title = "Utökat hembesök nr 2"', "")
    with pytest.raises(ContentError, match=r"bhv-hembesok.toml.*\(UX274\): missing field 'title'"):
        read_content(content_dir)


def test_required_code_of_a_contact_type_must_be_known(content_dir):
    replace_in(
        content_dir / "vardval-rehab-distans.toml",
        'required_codes = ["ZV051", "UX401"]',
        'required_codes = ["ZV051", "UX999"]',
    )
    with pytest.raises(ContentError, match="contact_types.*UX999"):
        read_content(content_dir)


def test_command_prints_one_line_summary_and_fails_clearly_on_bad_files(content_dir):
    out = StringIO()
    call_command("load_content", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("load_content: 0 created, 0 updated,")
    (content_dir / "broken.toml").write_text("[source\n", encoding="utf-8")
    with pytest.raises(CommandError, match="broken.toml: not valid TOML"):
        call_command("load_content", dir=content_dir, stdout=StringIO())


def test_every_document_and_list_has_its_source():
    assert SourceDocument.objects.count() == 5
    for code_list in CodeList.objects.all():
        assert code_list.source.seed_file
    assert Section.objects.filter(code_list__slug="psykiatri", instructions__contains="ECT").exists()


def test_broken_wizard_file_is_refused_with_each_problem_named(content_dir):
    path = content_dir / "besok.toml"
    replace_in(path, 'next = "psy-syfte"', 'next = "finns-inte"')
    replace_in(path, 'code = "AU118"', 'code = "QQ999"')
    with pytest.raises(ContentError) as error:
        read_content(content_dir)
    message = str(error.value)
    assert "besok.toml" in message
    assert "finns-inte" in message and "QQ999" in message


def test_wizard_quote_that_is_not_in_its_source_is_refused(content_dir):
    path = content_dir / "besok.toml"
    replace_in(path, "reason = 'Telefonsamtal med patient.", "reason = 'Påhittad regel som inte står någonstans.")
    with pytest.raises(ContentError, match="står inte ordagrant"):
        read_content(content_dir)


def test_wizard_tree_is_loaded_and_reloading_it_changes_nothing():
    from catalog.models import WizardOption, WizardStep

    assert WizardStep.objects.filter(is_start=True).count() == 1
    assert WizardOption.objects.count() > 100
    report = load(read_content())
    assert sum(report.created.values()) == sum(report.updated.values()) == sum(report.deleted.values()) == 0


def test_the_first_load_into_an_empty_database_reports_everything_as_created(tmp_path):
    """As a new coordinator sees it: a fresh database, migrate, load_content, then load_content again."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'ny.sqlite3'}", "DEBUG": "1"}

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    manage("migrate", "--no-input", "-v", "0")
    first = manage("load_content")
    assert " 0 updated, 0 unchanged, 0 removed" in first, first
    created = int(first.split()[1])
    assert created > 1000
    assert manage("load_content").startswith(f"load_content: 0 created, 0 updated, {created} unchanged,")


def test_a_full_load_writes_one_new_generation_however_many_rows_it_saves(monkeypatch):
    from catalog.models import SearchIndexState, Synonym

    Synonym.objects.all().delete()
    before = SearchIndexState.current()
    bumps = []
    original = SearchIndexState.bump.__func__
    monkeypatch.setattr(
        SearchIndexState, "bump", classmethod(lambda cls, touched: bumps.append(touched) or original(cls, touched))
    )
    report = load(read_content())
    assert sum(report.created.values()) > 1
    assert [set(touched) for touched in bumps] == [
        {"*"}
    ]  # a whole load is not worked out row by row: it touches anything
    assert SearchIndexState.current() != before


def test_a_load_that_changes_nothing_writes_no_new_generation(monkeypatch):
    from catalog.models import SearchIndexState

    bumps = []
    monkeypatch.setattr(SearchIndexState, "bump", classmethod(lambda cls, touched: bumps.append(1)))
    load(read_content())
    assert bumps == []


def test_a_load_that_only_links_a_code_to_its_decision_still_writes_a_new_generation():
    from catalog.models import Code, SearchIndexState

    code = Code.objects.filter(decision__isnull=False).first()
    Code.objects.filter(pk=code.pk).update(decision=None)
    before = SearchIndexState.current()
    load(read_content())
    assert Code.objects.get(pk=code.pk).decision is not None
    assert SearchIndexState.current() != before
