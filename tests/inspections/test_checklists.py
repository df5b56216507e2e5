"""Checklist templates (检查表模板): the shipped four, versions, publishing, the region's own
version, and immutability once an inspection has used a version."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.checklist_catalogue import TEMPLATES
from inspections.models import ChecklistItem, ChecklistTemplate
from inspections.services import checklist_current, checklist_mark_used, checklist_new_version, checklist_publish

pytestmark = pytest.mark.django_db

SHIPPED = {"general": "GEN", "dust": "DUST", "confined_space": "CS", "smelting": "SM"}


def snapshot(template):
    template = ChecklistTemplate.objects.get(pk=template.pk)
    items = list(template.items.order_by("code").values_list("code", "section", "text", "order"))
    return (template.name, template.status, template.version, template.description), items


def test_the_four_templates_ship_published_with_unique_stable_codes():
    shipped = ChecklistTemplate.objects.filter(region=None, version=1)
    assert {t.code for t in shipped} == set(SHIPPED)
    for template in shipped:
        assert template.status == ChecklistTemplate.Status.PUBLISHED
        assert template.kind == ChecklistTemplate.Kind.INSPECTION
        assert template.published_at is not None and template.used_at is None
        codes = list(template.items.values_list("code", flat=True))
        assert 10 <= len(codes) <= 20
        assert len(set(codes)) == len(codes)
        assert all(code.startswith(SHIPPED[template.code] + "-") for code in codes)
        for item in template.items.all():
            item.full_clean()  # code format, required text and section
    # codes are unique across templates too, so a finding's item code names one item
    all_codes = list(ChecklistItem.objects.filter(template__in=shipped).values_list("code", flat=True))
    assert len(set(all_codes)) == len(all_codes)
    assert sum(len(t["items"]) for t in TEMPLATES) == len(all_codes)


def test_shipped_items_cite_the_regulations_and_mark_major_criteria():
    dust = checklist_current("dust")
    assert dust.items.filter(basis__contains="应急管理部令第6号").exists()
    assert dust.items.exclude(major_criterion="").count() >= 5
    confined = checklist_current("confined_space")
    assert confined.items.filter(basis__contains="应急管理部令第13号").exists()
    for item in ChecklistItem.objects.exclude(major_criterion=""):
        assert "重大事故隐患判定标准" in item.basis, item.code


def test_new_version_copies_items_with_the_same_codes_as_a_draft(world):
    v1 = checklist_current("dust")
    v2 = checklist_new_version(template=v1, by=world.bureau)
    assert (v2.code, v2.version, v2.status, v2.region, v2.created_by) == ("dust", 2, "draft", None, world.bureau)
    assert list(v2.items.values_list("code", "section", "text", "basis", "major_criterion", "order")) == \
        list(v1.items.values_list("code", "section", "text", "basis", "major_criterion", "order"))
    assert checklist_current("dust") == v1  # a draft is not what inspectors get
    with pytest.raises(ValidationError):  # one draft at a time
        checklist_new_version(template=v1, by=world.bureau)


def test_publishing_retires_the_previous_version(world):
    v1 = checklist_current("general")
    v2 = checklist_new_version(template=v1, by=world.bureau)
    checklist_publish(template=v2, by=world.bureau)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("retired", "published")
    assert v2.published_at is not None
    assert checklist_current("general") == v2
    with pytest.raises(ValidationError):  # only a draft can be published
        checklist_publish(template=v1, by=world.bureau)


def test_publishing_retires_a_used_version(world):
    v1 = checklist_mark_used(checklist_current("smelting"))
    v2 = checklist_new_version(template=v1, by=world.bureau)
    checklist_publish(template=v2, by=world.bureau)
    assert ChecklistTemplate.objects.get(pk=v1.pk).status == "retired"


def test_current_picks_the_regions_own_version_before_the_deployments(world):
    default = checklist_current("general")
    own = ChecklistTemplate.objects.create(code="general", name="湖塘镇通用安全检查", region=world.hutang)
    ChecklistItem.objects.create(template=own, code="GEN-01", section="安全生产责任制", text="责任制落实")
    assert checklist_current("general", world.hutang) == default  # a draft does not count
    checklist_publish(template=own, by=world.bureau)
    assert checklist_current("general", world.hutang) == own
    assert checklist_current("general", world.village) == own  # below the township: the nearest own
    assert checklist_current("general", world.luoyang) == default
    assert checklist_current("general") == default
    assert ChecklistTemplate.objects.get(pk=default.pk).status == "published"  # other lineage untouched
    assert checklist_current("no_such_code", world.hutang) is None


def test_current_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):  # the candidates, nearest region first
        checklist_current("dust", world.village)


def test_once_used_nothing_about_the_version_can_change(world):
    template = checklist_mark_used(checklist_current("confined_space"))
    assert template.used
    before = snapshot(template)
    item = template.items.first()

    template.name = "改名"
    with pytest.raises(ValidationError) as exc:
        template.save()
    assert "Make a new version" in str(exc.value) or "新版本" in str(exc.value)
    with pytest.raises(ValidationError):
        ChecklistTemplate.objects.get(pk=template.pk).delete()
    item.text = "改过的问题"
    with pytest.raises(ValidationError):
        item.save()
    with pytest.raises(ValidationError):
        ChecklistItem.objects.get(pk=item.pk).delete()
    with pytest.raises(ValidationError):
        ChecklistItem.objects.create(template=template, code="CS-99", section="新增", text="新增问题")
    with pytest.raises(ValidationError):  # bulk writes refuse too
        template.items.update(text="批量改")
    with pytest.raises(ValidationError):
        template.items.all().delete()
    with pytest.raises(ValidationError):
        ChecklistTemplate.objects.filter(pk=template.pk).update(name="批量改名")
    with pytest.raises(ValidationError):  # a used version cannot go back to draft
        fresh = ChecklistTemplate.objects.get(pk=template.pk)
        fresh.status = ChecklistTemplate.Status.DRAFT
        fresh.save()

    assert snapshot(template) == before


def test_an_item_cannot_move_onto_or_off_a_used_version(world):
    used = checklist_mark_used(checklist_current("dust"))
    draft = checklist_new_version(template=checklist_current("general"), by=world.bureau)
    off = used.items.first()
    off.template = draft
    with pytest.raises(ValidationError):
        off.save()
    onto = draft.items.first()
    onto.template = used
    with pytest.raises(ValidationError):
        onto.save()
    assert ChecklistItem.objects.get(pk=off.pk).template == used
    assert ChecklistItem.objects.get(pk=onto.pk).template == draft


def test_mark_used_is_idempotent_and_refuses_a_draft(world):
    template = checklist_mark_used(checklist_current("general"))
    first = template.used_at
    assert checklist_mark_used(template).used_at == first
    draft = checklist_new_version(template=template, by=world.bureau)
    with pytest.raises(ValidationError):
        checklist_mark_used(draft)
    assert ChecklistTemplate.objects.get(pk=draft.pk).used_at is None


def test_a_draft_can_be_edited_and_deleted(world):
    draft = checklist_new_version(template=checklist_current("dust"), by=world.bureau)
    item = draft.items.get(code="DUST-03")
    item.text = "粉尘爆炸危险场所不设在多层非框架结构建筑内。"
    item.save()
    ChecklistItem.objects.create(template=draft, code="DUST-17", section="粉尘清扫", text="清扫工具防爆。", order=170)
    draft.items.get(code="DUST-16").delete()
    draft.name = "粉尘涉爆企业专项检查（2023版）"
    draft.save()
    draft.refresh_from_db()
    assert draft.name.endswith("（2023版）")
    assert set(draft.items.values_list("code", flat=True)) >= {"DUST-03", "DUST-17"}
    assert not draft.items.filter(code="DUST-16").exists()
    assert checklist_current("dust").items.filter(code="DUST-16").exists()  # the published one is untouched
    draft.delete()
    assert not ChecklistTemplate.objects.filter(pk=draft.pk).exists()


def test_publishing_an_empty_draft_is_refused(world):
    empty = ChecklistTemplate.objects.create(code="ammonia", name="涉氨制冷专项检查")
    with pytest.raises(ValidationError):
        checklist_publish(template=empty, by=world.bureau)
    assert ChecklistTemplate.objects.get(pk=empty.pk).status == "draft"


def test_admin_shows_a_used_version_read_only(client, world):
    client.force_login(world.superuser)
    used = checklist_mark_used(checklist_current("smelting"))
    draft = checklist_new_version(template=checklist_current("general"), by=world.bureau)
    url = reverse("admin:inspections_checklisttemplate_change", args=[used.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="name"' not in page.content  # no input: read-only
    page = client.get(reverse("admin:inspections_checklisttemplate_change", args=[draft.pk]))
    assert b'name="name"' in page.content
    response = client.post(reverse("admin:inspections_checklisttemplate_delete", args=[used.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert ChecklistTemplate.objects.filter(pk=used.pk).exists()


def test_deleting_the_creator_of_a_used_version_keeps_the_version(world):
    draft = checklist_new_version(template=checklist_current("general"), by=world.bureau)
    checklist_publish(template=draft, by=world.bureau)
    used = checklist_mark_used(draft)
    before = snapshot(used)
    world.bureau.delete()
    assert ChecklistTemplate.objects.get(pk=used.pk).created_by is None
    assert snapshot(used) == before


def test_admin_actions_make_a_version_and_publish_it(client, world):
    client.force_login(world.superuser)
    v1 = checklist_current("dust")
    url = reverse("admin:inspections_checklisttemplate_changelist")
    client.post(url, {"action": "new_version", "_selected_action": [v1.pk]})
    v2 = ChecklistTemplate.objects.get(code="dust", region=None, version=2)
    assert (v2.status, v2.created_by) == ("draft", world.superuser)
    client.post(url, {"action": "publish", "_selected_action": [v2.pk]})
    assert checklist_current("dust") == v2
    assert ChecklistTemplate.objects.get(pk=v1.pk).status == "retired"
