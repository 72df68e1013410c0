"""Import profiles: the preview's choices are kept per layout and applied to the next
document of that layout, in the same organisation only."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koers.accounts.locking import EditConflict
from koers.plans.models import DocumentImport, ImportProfile, Plan, PlanItem
from koers.plans.services import document_import, import_profiles


def report(year: int, goals: list[tuple[str, list[str]]]) -> bytes:
    """An invented progress report in Markdown: goals with their actions."""
    out = [f"# Voortgangsrapport {year}", ""]
    for goal, actions in goals:
        out += [f"## {goal}", ""]
        out += [f"- {action}" for action in actions]
        out.append("")
    return "\n".join(out).encode()


FIRST = report(
    2025,
    [
        ("Een groene gemeente", ["Bomen planten", "Geveltuinen aanleggen"]),
        ("Een veilige gemeente", ["Fietspaden verbreden"]),
    ],
)
NEXT = report(
    2026,
    [
        ("Een groene gemeente", ["Bomen planten", "Zonnepanelen op het stadhuis"]),
        ("Een sportieve gemeente", ["Nieuwe sporthal", "Looproute in het park"]),
        ("Een veilige gemeente", ["Fietspaden verbreden"]),
    ],
)
OTHER_LAYOUT = b"Voortgang\n\nBD1 Doel een\nAP1-01 Actieplan een\nAP1-02 Actieplan twee\n"


def read(organisation, name, content):
    draft = document_import.read_upload(organisation, None, name, content)
    assert draft.state == DocumentImport.State.READY
    return draft


def rows_of(draft):
    return document_import.preview_rows(draft.document)


def confirm_choices(draft, *, untick=(), levels=None):
    rows = rows_of(draft)
    keep = {row.number for row in rows if row.title not in untick}
    depths = {row.number: levels[row.title] for row in rows if row.title in (levels or {})}
    return rows, keep, depths


# -- the layout ----------------------------------------------------------------------------------


def test_the_fingerprint_is_of_the_layout_not_of_the_words(demo):
    first = read(demo.voorbeeld, "rapport-2025.md", FIRST)
    following = read(demo.voorbeeld, "rapport-2026.md", NEXT)
    other = read(demo.voorbeeld, "nota.txt", OTHER_LAYOUT)

    assert len(first.fingerprint) == 64
    assert following.fingerprint == first.fingerprint
    assert other.fingerprint != first.fingerprint
    assert import_profiles.code_shape("PE12-03") == import_profiles.code_shape("AB1-7") == "A9-9"


def test_no_profile_without_a_choice(demo):
    draft = read(demo.voorbeeld, "rapport-2025.md", FIRST)
    rows, keep, depths = confirm_choices(draft)

    chosen = import_profiles.choices(draft, rows, keep, depths)

    assert import_profiles.remember(draft, chosen) is None
    assert not ImportProfile.objects.exists()


def test_choices_are_kept_and_applied_to_the_next_document_of_the_layout(demo):
    draft = read(demo.voorbeeld, "rapport-2025.md", FIRST)
    rows, keep, depths = confirm_choices(
        draft, untick={"Geveltuinen aanleggen"}, levels={"Fietspaden verbreden": 1}
    )
    chosen = import_profiles.choices(draft, rows, keep, depths)
    coordinator = get_user_model().objects.get(email="coordinator@voorbeeld.be")
    profile = import_profiles.remember(draft, chosen, user=coordinator)

    assert (profile.organisation, profile.name, profile.version) == (
        demo.voorbeeld,
        "rapport-2025.md",
        1,
    )
    assert profile.unticked == ["title:geveltuinen aanleggen"]
    assert profile.depths == {"title:fietspaden verbreden": 1}
    assert profile.history.count() == 1
    assert profile.history.get().history_user == coordinator

    following = read(demo.voorbeeld, "rapport-2026.md", NEXT)
    assert following.profile == profile
    rows = rows_of(following)
    assert import_profiles.preset_rows(import_profiles.applied_profile(following), rows) == 1
    by_title = {row.title: row for row in rows}
    assert by_title["Fietspaden verbreden"].chosen_depth == 1
    assert all(row.kept for row in rows)  # 'Geveltuinen aanleggen' is not in this one
    profile.refresh_from_db()
    assert profile.times_applied == 1


def test_a_shape_moved_as_a_whole_moves_in_the_next_document_too(demo):
    draft = read(demo.voorbeeld, "rapport-2025.md", FIRST)
    rows = rows_of(draft)
    deepest = max(row.depth for row in rows)
    keep = {row.number for row in rows}
    depths = {row.number: deepest - 1 for row in rows if row.depth == deepest}
    profile = import_profiles.remember(draft, import_profiles.choices(draft, rows, keep, depths))
    (shape,) = profile.shape_depths
    assert profile.shape_depths[shape] == deepest - 1

    following = read(demo.voorbeeld, "rapport-2026.md", NEXT)
    rows = rows_of(following)
    import_profiles.preset_rows(import_profiles.applied_profile(following), rows)
    assert [row.chosen_depth for row in rows if row.depth == deepest] == [deepest - 1] * 5


def test_the_family_chosen_is_applied_when_reading_the_next_document(demo):
    draft = read(demo.voorbeeld, "rapport-2025.md", FIRST)
    assert draft.family == draft.detected_family != "policy_note"
    draft = document_import.read_again(draft, "policy_note")
    rows, keep, depths = confirm_choices(draft)
    profile = import_profiles.remember(draft, import_profiles.choices(draft, rows, keep, depths))
    assert profile.family == "policy_note"

    following = read(demo.voorbeeld, "rapport-2026.md", NEXT)

    assert (following.family, following.requested_family) == ("policy_note", "policy_note")
    assert following.profile == profile
    skipped = import_profiles.skip(following)
    assert skipped.family == skipped.detected_family != "policy_note"
    assert (skipped.profile, skipped.profile_skipped) == (None, True)


def test_a_profile_is_never_applied_in_another_organisation(demo):
    draft = read(demo.voorbeeld, "rapport-2025.md", FIRST)
    rows, keep, depths = confirm_choices(draft, untick={"Bomen planten"})
    import_profiles.remember(draft, import_profiles.choices(draft, rows, keep, depths))

    elsewhere = read(demo.proefdorp, "rapport-2026.md", NEXT)

    assert elsewhere.fingerprint == draft.fingerprint
    assert elsewhere.profile is None
    assert import_profiles.find(demo.proefdorp.pk, draft.fingerprint) is None
    # Even a profile pointed at by mistake is not applied to another organisation's import.
    elsewhere.profile = ImportProfile.objects.get()
    assert import_profiles.applied_profile(elsewhere) is None


def test_a_profile_changed_meanwhile_is_not_overwritten(demo):
    draft = read(demo.voorbeeld, "rapport-2025.md", FIRST)
    rows, keep, depths = confirm_choices(draft, untick={"Bomen planten"})
    profile = import_profiles.remember(draft, import_profiles.choices(draft, rows, keep, depths))
    following = read(demo.voorbeeld, "rapport-2026.md", NEXT)
    seen = profile.version
    again = read(demo.voorbeeld, "rapport-2026b.md", NEXT)  # another coordinator, same layout
    rows, keep, depths = confirm_choices(again, untick={"Nieuwe sporthal"})
    import_profiles.remember(
        again, import_profiles.choices(again, rows, keep, depths), expected_version=seen
    )

    rows, keep, depths = confirm_choices(following)
    with pytest.raises(EditConflict):
        import_profiles.remember(
            following,
            import_profiles.choices(following, rows, keep, depths),
            expected_version=seen,
        )
    profile.refresh_from_db()
    assert (profile.version, profile.unticked) == (seen + 1, ["title:nieuwe sporthal"])
    assert profile.history.count() == 2


# -- through the pages ----------------------------------------------------------------------------


def _upload(client, name, content):
    url = reverse("plans:plan_import", kwargs={"org": "voorbeeld"})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _preview_url(draft):
    return reverse("plans:import_preview", kwargs={"org": "voorbeeld", "pk": draft.pk})


def test_the_preview_applies_the_profile_says_so_and_can_leave_it_out(demo, login):
    client = login("coordinator@voorbeeld.be")
    _upload(client, "rapport-2025.md", FIRST)
    draft = DocumentImport.objects.get()
    rows = {row.title: row.number for row in rows_of(draft)}
    page = client.get(_preview_url(draft)).content.decode()
    assert 'id="import-profile"' not in page
    keep = [n for title, n in rows.items() if title != "Geveltuinen aanleggen"]
    response = client.post(
        _preview_url(draft), {"confirm": "1", "title": "Plan 2025", "keep": keep}
    )
    assert response.status_code == 302
    profile = ImportProfile.objects.get(organisation=demo.voorbeeld)
    assert profile.unticked == ["title:geveltuinen aanleggen"]
    plan = Plan.objects.get(title="Plan 2025")
    assert not PlanItem.objects.filter(plan=plan, title="Geveltuinen aanleggen").exists()

    second = report(2026, [("Een groene gemeente", ["Bomen planten", "Geveltuinen aanleggen"])])
    _upload(client, "rapport-2026.md", second)
    draft = DocumentImport.objects.get()
    page = client.get(_preview_url(draft)).content.decode()
    assert "Profiel \u2018rapport-2025.md\u2019 toegepast" in page
    number = {row.title: row.number for row in rows_of(draft)}["Geveltuinen aanleggen"]
    assert f'value="{number}" id="keep-{number}" aria-label' in page  # not checked
    assert f'id="keep-{number}" checked' not in page
    assert f'name="profile_version" value="{profile.version}"' in page

    client.post(_preview_url(draft), {"skip_profile": "1"})
    page = client.get(_preview_url(draft)).content.decode()
    assert "Het profiel is niet toegepast" in page
    assert 'id="import-profile"' not in page
    assert f'id="keep-{number}" checked' in page
