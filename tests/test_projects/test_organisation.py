"""The PMO's settings: the organisation's name, logo and defaults, and the markings list."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.models import Marking, Organisation, Project
from tests.factories import ProjectFactory, RiskRegisterFactory, marking

ORG_URL = "/settings/organisation/"
MARKINGS_URL = "/settings/markings/"


def png(width=300, height=100, colour="#1d4f91", **save):
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG", **save)
    return out.getvalue()


def form_data(**changes):
    organisation = Organisation.current()
    data = {
        "name": "Slough Borough Council",
        "financial_year_start": "4",
        "default_marking": str(organisation.default_marking_id),
        "risk_appetite": "",
        "risk_appetite_adopted": "",
        "version": str(organisation.version),
    }
    data.update(changes)
    return data


def upload(content, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_new_database_has_the_organisation_marked_official(db):
    organisation = Organisation.current()
    assert organisation.default_marking.name == "OFFICIAL"
    assert [m.name for m in Marking.objects.all()] == ["OFFICIAL", "OFFICIAL-SENSITIVE"]
    assert organisation.name == ""  # nobody has written one: nothing is printed


def test_only_the_pmo_opens_the_settings(client_for, alice, diana, pam):
    for user in (alice, diana):
        for url in ("/settings/", ORG_URL, MARKINGS_URL):
            assert client_for(user).get(url).status_code == 403
    page = client_for(pam).get("/settings/")
    assert "The organisation" in page.text and "Protective markings" in page.text


def test_the_pmo_names_the_organisation_and_the_navigation_bar_shows_it(client_for, pam, alice):
    response = client_for(pam).post(ORG_URL, {**form_data(), "logo_file": upload(png())})
    assert response.status_code == 302
    organisation = Organisation.current()
    assert organisation.name == "Slough Borough Council"
    assert organisation.logo_name.startswith("organisation/logo-")
    home = client_for(alice).get("/")
    assert "<span>Slough Borough Council</span>" in home.text
    assert f'src="/settings/organisation/logo.png?v={organisation.logo_name}' in home.text.replace(
        "%2F", "/"
    )
    logo = client_for(alice).get("/settings/organisation/logo.png")
    assert logo["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(logo.streaming_content))).format == "PNG"


def test_a_logo_is_reencoded_so_nothing_of_the_upload_survives(client_for, pam, media_root):
    original = png() + b"<script>alert(1)</script>"  # trailing data a polyglot would use
    client_for(pam).post(ORG_URL, {**form_data(), "logo_file": upload(original)})
    stored = (media_root / Organisation.current().logo_name).read_bytes()
    assert stored != original and b"<script>" not in stored
    assert Image.open(io.BytesIO(stored)).size == (300, 100)


def test_a_large_logo_is_kept_at_a_printable_size(client_for, pam):
    client_for(pam).post(ORG_URL, {**form_data(), "logo_file": upload(png(3000, 1000))})
    organisation = Organisation.current()
    assert (organisation.logo_width, organisation.logo_height) == (1200, 400)


def svg():
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def gif():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    return out.getvalue()


def bomb():
    """A PNG whose header claims 20000×20000 pixels, in a few hundred bytes."""
    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    data = zlib.compress(b"\0" * 1000)
    idat = (
        struct.pack(">I", len(data))
        + b"IDAT"
        + data
        + struct.pack(">I", zlib.crc32(b"IDAT" + data))
    )
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + end


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (svg(), "logo.svg", "not a PNG or JPEG image"),
        (svg(), "logo.png", "not a PNG or JPEG image"),  # the name does not decide
        (gif(), "logo.gif", "Upload the logo as a PNG or JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "logo.png", "not a PNG or JPEG image"),
        (bomb(), "bomb.png", "keep it within 4096×4096"),
        (png() + b"\0" * (2 * 1024 * 1024), "big.png", "the limit is 2 MB"),
    ],
    ids=["svg", "svg-named-png", "gif", "truncated", "pixel-bomb", "too-many-bytes"],
)
def test_a_logo_that_is_not_a_sound_png_or_jpeg_is_refused_and_nothing_changes(
    client_for, pam, content, name, message
):
    client_for(pam).post(ORG_URL, {**form_data(), "logo_file": upload(png())})
    before = Organisation.current()
    response = client_for(pam).post(
        ORG_URL, {**form_data(name="Renamed"), "logo_file": upload(content, name)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    after = Organisation.objects.get()
    assert (after.name, after.logo.name) == (before.name, before.logo.name)


def test_a_jpeg_logo_is_accepted_and_kept_as_png(client_for, pam):
    out = io.BytesIO()
    Image.new("RGB", (200, 80), "#aa0000").save(out, format="JPEG")
    client_for(pam).post(ORG_URL, {**form_data(), "logo_file": upload(out.getvalue(), "l.jpg")})
    assert Organisation.current().logo_name.endswith(".png")


def test_removing_the_logo_removes_it_everywhere(
    client_for, pam, media_root, django_capture_on_commit_callbacks
):
    client_for(pam).post(ORG_URL, {**form_data(), "logo_file": upload(png())})
    stored = media_root / Organisation.current().logo_name
    with django_capture_on_commit_callbacks(execute=True):
        client_for(pam).post(ORG_URL, form_data(remove_logo="on"))
    assert Organisation.current().logo_name == ""
    assert not stored.exists()
    assert client_for(pam).get("/settings/organisation/logo.png").status_code == 404


def test_two_people_saving_the_settings_at_once_do_not_overwrite_each_other(client_for, pam):
    opened = form_data()  # both opened the page at this version
    client_for(pam).post(ORG_URL, {**opened, "name": "First"})
    response = client_for(pam).post(ORG_URL, {**opened, "name": "Second"})
    assert "Someone else saved these settings" in response.content.decode()
    assert Organisation.objects.get().name == "First"


def test_the_pmo_adds_a_marking_in_capitals_and_may_not_remove_one_in_use(client_for, pam):
    client = client_for(pam)
    client.post(MARKINGS_URL, {"name": "official-sensitive personal", "level": "25"})
    added = Marking.objects.get(level=25)
    assert added.name == "OFFICIAL-SENSITIVE PERSONAL"
    ProjectFactory(marking=added)
    response = client.post(f"/settings/markings/{added.pk}/delete/", follow=True)
    assert "is in use" in response.content.decode()
    assert Marking.objects.filter(pk=added.pk).exists()
    default = Organisation.current().default_marking
    client.post(f"/settings/markings/{default.pk}/delete/")
    assert Marking.objects.filter(pk=default.pk).exists()


def test_a_marking_with_markup_is_refused(client_for, pam):
    response = client_for(pam).post(MARKINGS_URL, {"name": "<b>SECRET</b>", "level": "30"})
    assert "Write a marking in capitals" in response.content.decode()
    assert not Marking.objects.filter(level=30).exists()


def test_a_project_left_unmarked_follows_the_organisations_default(client_for, pam, project):
    assert project.marking is None
    page = client_for(pam).get(project.get_absolute_url())
    assert 'aria-label="Protective marking">OFFICIAL</div>' in page.text
    organisation = Organisation.current()
    organisation.default_marking = marking("OFFICIAL-SENSITIVE")
    organisation.save()
    page = client_for(pam).get(project.get_absolute_url())
    assert 'aria-label="Protective marking">OFFICIAL-SENSITIVE</div>' in page.text


def test_the_pmo_marks_a_project_on_its_form(client_for, pam, project):
    form = client_for(pam).get(f"/projects/{project.code}/edit/")
    assert "The organisation&#x27;s default (OFFICIAL)" in form.text
    project.marking = marking("OFFICIAL-SENSITIVE")
    project.save()
    assert Project.objects.get(pk=project.pk).marking.name == "OFFICIAL-SENSITIVE"


def test_lists_carry_the_highest_marking_anything_carries(client_for, alice, project):
    page = client_for(alice).get("/projects/")
    assert 'aria-label="Protective marking">OFFICIAL</div>' in page.text
    ProjectFactory(marking=marking("OFFICIAL-SENSITIVE"))
    page = client_for(alice).get("/projects/")
    assert 'aria-label="Protective marking">OFFICIAL-SENSITIVE</div>' in page.text


def test_only_the_pmo_changes_a_registers_marking(client_for, alice, pam, project):
    register = RiskRegisterFactory(
        project=project, owner=alice, marking=marking("OFFICIAL-SENSITIVE")
    )
    form = client_for(alice).get(f"/risks/{register.slug}/edit/")
    seen = form.context["form"]["seen"].value()
    response = client_for(alice).post(
        f"/risks/{register.slug}/edit/",
        {"name": register.name, "marking": "", "description": "Owner's words", "seen": seen},
    )
    assert response.status_code == 302
    register.refresh_from_db()
    assert register.description == "Owner's words"
    assert register.marking.name == "OFFICIAL-SENSITIVE"  # the owner's form has no marking
    assert 'name="marking"' not in form.text
    assert 'name="marking"' in client_for(pam).get(f"/risks/{register.slug}/edit/").text


def test_two_people_editing_a_register_do_not_overwrite_each_other(client_for, alice, pam, project):
    register = RiskRegisterFactory(project=project, owner=alice)
    url = f"/risks/{register.slug}/edit/"
    seen = client_for(alice).get(url).context["form"]["seen"].value()
    sensitive = marking("OFFICIAL-SENSITIVE").pk
    pmo_saves = {"name": register.name, "project": project.pk, "owner": alice.pk}
    client_for(pam).post(url, {**pmo_saves, "marking": sensitive, "seen": seen})
    response = client_for(alice).post(
        url, {"name": register.name, "description": "x", "seen": seen}
    )
    assert "Someone else saved this after you opened it" in response.text
    register.refresh_from_db()
    assert register.marking.name == "OFFICIAL-SENSITIVE" and register.description == ""


def test_a_sixteen_bit_grey_logo_keeps_its_tone(client_for, pam, media_root):
    out = io.BytesIO()
    Image.new("I;16", (40, 20), 32768).save(out, format="PNG")
    client_for(pam).post(ORG_URL, {**form_data(), "logo_file": upload(out.getvalue())})
    stored = Image.open(media_root / Organisation.current().logo_name).convert("RGB")
    assert stored.getpixel((0, 0)) == (128, 128, 128)


def test_a_marking_removed_while_a_project_is_saved_is_explained_not_an_error(
    transactional_db, django_db_serialized_rollback, client_for, pam, project, monkeypatch
):
    # Transactional: the database checks the reference when the view's transaction commits.
    from projects.forms import ProjectForm

    doomed = Marking.objects.create(name="SECRET-ISH", level=30)
    url = f"/projects/{project.code}/edit/"
    data = {
        "code": project.code, "name": project.name, "kind": "project", "status": "active",
        "marking": doomed.pk, "sponsor": project.sponsor_id, "manager": project.manager_id,
        "reporting_cadence": "monthly", "report_due_working_days": 5,
        "governance_body": "the board", "workstreams-TOTAL_FORMS": 0,
        "workstreams-INITIAL_FORMS": 0,
        "seen": client_for(pam).get(url).context["form"]["seen"].value(),
    }  # fmt: skip
    save = ProjectForm.save

    def removed_meanwhile(form, commit=True):
        # Another PMO person removes the marking after this form was checked.
        Marking.objects.filter(pk=doomed.pk)._raw_delete(Marking.objects.db)
        return save(form, commit)

    monkeypatch.setattr(ProjectForm, "save", removed_meanwhile)
    response = client_for(pam).post(url, data)
    assert response.status_code == 200
    assert "Nothing was saved: something this form refers to" in response.text
    project.refresh_from_db()
    assert project.marking_id != doomed.pk


def test_two_people_saving_a_plan_do_not_overwrite_each_other(client_for, pam):
    from tests.factories import BusinessPlanFactory

    plan = BusinessPlanFactory(status="published")
    url = f"/plans/{plan.year}/edit/"
    seen = client_for(pam).get(url).context["form"]["seen"].value()
    data = {
        "organisation": plan.organisation, "title": plan.title, "year": plan.year,
        "status": "published", "aims-TOTAL_FORMS": 0, "aims-INITIAL_FORMS": 0, "seen": seen,
    }  # fmt: skip
    assert client_for(pam).post(url, {**data, "vision": "First"}).status_code == 302
    response = client_for(pam).post(url, {**data, "vision": "Second"})
    assert "Someone else saved this after you opened it" in response.text
    plan.refresh_from_db()
    assert plan.vision == "First"
