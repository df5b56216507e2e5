"""The notice's pages: a bureau drafts from its quarter, edits, publishes; readers of the addressed
units open it; out of scope is a 404, read-only a 403, and a refused step says why in Chinese and
changes nothing."""
import pytest
from django.urls import reverse

from portal.notices import drafting
from portal.notices.models import Notice, NoticeReceipt
from tests.notices.conftest import NEXT_STEP, draft, publish, written

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_render")]


def state(notice):
    notice.refresh_from_db()
    return (notice.state, notice.number, notice.title, notice.body, notice.next_steps, notice.updated_at)


def edit_data(notice, **overrides):
    """The edit form as the page posts it, unchanged unless ``overrides``."""
    data = {name: getattr(notice, name) or "" for name in ("authority", "number_prefix", "title", "addressees",
                                                            "copied_to", "printing_office")}
    data["signature_date"] = ""
    for index, block in enumerate(notice.body):
        if block["kind"] != "table":
            data[f"block_{index}"] = block["text"]
    for index, text in enumerate([*notice.next_steps, ""]):
        data[f"step_{index}"] = text
    for index, _attachment in enumerate(notice.attachments, start=1):
        data[f"attachment_{index}"] = "on"
    data.update(overrides)
    return data


def test_a_bureau_drafts_edits_and_publishes_through_the_pages(client, frozen, people,
                                                               django_capture_on_commit_callbacks):
    client.force_login(people.city_bureau)
    listing = client.get(reverse("notices:list")).content.decode()
    assert 'id="notice-draft"' in listing and f'<option value="{frozen.pk}"' in listing
    home = client.get(reverse("home")).content.decode()
    assert reverse("notices:list") in home  # the menu entry, in the statistics group
    response = client.post(reverse("notices:draft"), {"snapshot": frozen.pk, "number_prefix": "常应急函"})
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("notices:edit", args=[notice.pk])
    detail = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert notice.title in detail and "（发布时编号）" in detail and "发布前请处理" in detail
    assert "“下一步工作”仍为占位文字" in detail and "各区常安码逾期率排名" in detail
    # edit: the placeholder replaced, a paragraph added, a ranking table left out
    form = client.get(reverse("notices:edit", args=[notice.pk])).content.decode()
    assert drafting.NEXT_STEPS_PLACEHOLDER in form and 'name="step_1"' in form
    data = edit_data(notice, step_0=NEXT_STEP, step_1="（二）围绕“联动”抓落实。")
    data.pop("attachment_1")
    response = client.post(reverse("notices:edit", args=[notice.pk]), data)
    assert response.status_code == 302 and response["Location"] == reverse("notices:detail", args=[notice.pk])
    notice.refresh_from_db()
    assert notice.next_steps == [NEXT_STEP, "（二）围绕“联动”抓落实。"]
    assert "enterprises.on_roster" not in [a["figure"] for a in notice.attachments]
    # save and add a paragraph: back to the form with two empty boxes
    response = client.post(reverse("notices:edit", args=[notice.pk]), {**edit_data(notice), "add_step": "1"})
    assert response["Location"].endswith("?extra=2")
    assert 'name="step_3"' in client.get(response["Location"]).content.decode()
    # publish
    with django_capture_on_commit_callbacks(execute=True):  # the render job
        response = client.post(reverse("notices:publish", args=[notice.pk]), follow=True)
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    notice.refresh_from_db()
    assert notice.number == "常应急函〔2026〕1号" and "已发布为常应急函〔2026〕1号" in response.content.decode()
    assert 'id="notice-pdf"' in page and 'id="notice-edit"' not in page


def test_a_published_notice_s_edit_page_refuses(client, frozen, people, django_capture_on_commit_callbacks):
    notice = publish(written(draft(frozen, people.city_bureau), people.city_bureau), people.city_bureau,
                     django_capture_on_commit_callbacks)
    before = state(notice)
    client.force_login(people.city_bureau)
    response = client.get(reverse("notices:edit", args=[notice.pk]), follow=True)
    assert "通报常应急函〔2026〕1号已发布，不能再修改。" in response.content.decode()
    response = client.post(reverse("notices:edit", args=[notice.pk]), edit_data(notice, title="改过的标题"),
                           follow=True)
    assert "不能再修改" in response.content.decode()
    response = client.post(reverse("notices:publish", args=[notice.pk]), follow=True)
    assert "不能再修改" in response.content.decode()
    assert state(notice) == before


def test_publishing_an_empty_draft_says_why(client, frozen, people):
    notice = draft(frozen, people.city_bureau)
    client.force_login(people.city_bureau)
    data = {key: value for key, value in edit_data(notice, step_0="").items() if not key.startswith("block_")}
    client.post(reverse("notices:edit", args=[notice.pk]), {**data, **{f"block_{i}": "" for i in
                                                                       range(len(notice.body))}})
    notice.refresh_from_db()
    assert notice.body == [] and notice.next_steps == []
    before = state(notice)
    page = client.post(reverse("notices:publish", args=[notice.pk]), follow=True).content.decode()
    assert "通报正文为空，请先撰写正文再发布。" in page and "请先撰写“三、下一步工作”再发布。" in page
    assert state(notice) == before


def test_the_edit_form_refuses_an_empty_title(client, frozen, people):
    notice = draft(frozen, people.city_bureau)
    before = state(notice)
    client.force_login(people.city_bureau)
    response = client.post(reverse("notices:edit", args=[notice.pk]), edit_data(notice, title="   "))
    assert response.status_code == 200 and "必填" in response.content.decode()
    assert state(notice) == before


def test_scope_from_the_outside(client, frozen, people, city, django_capture_on_commit_callbacks):
    district = written(draft(frozen, people.a_bureau), people.a_bureau)
    city_draft = draft(frozen, people.city_bureau)
    urls = lambda n: [reverse(f"notices:{name}", args=[n.pk]) for name in ("detail", "edit", "status", "pdf")]  # noqa: E731
    # another district's bureau, the city's bureau (a draft is its issuer's alone), a township inspector
    # of another district, another city: 404 on 甲区's draft
    for user in (people.b_bureau, people.city_bureau, people.b2_inspector, people.other_city):
        client.force_login(user)
        for url in urls(district):
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.post(reverse("notices:publish", args=[district.pk])).status_code == 404
    # the city's draft: nobody but its bureau
    client.force_login(people.a1_inspector)
    assert client.get(reverse("notices:detail", args=[city_draft.pk])).status_code == 404
    # published, 甲区's notice reaches its townships only: 乙区's bureau still gets 404
    before = state(district)
    district = publish(district, people.a_bureau, django_capture_on_commit_callbacks)
    client.force_login(people.b_bureau)
    assert client.get(reverse("notices:detail", args=[district.pk])).status_code == 404
    client.force_login(people.a1_inspector)  # a reader of an addressed unit: reads, may not change
    assert client.get(reverse("notices:detail", args=[district.pk])).status_code == 200
    assert client.get(reverse("notices:edit", args=[district.pk])).status_code == 403
    assert client.post(reverse("notices:publish", args=[district.pk])).status_code == 403
    assert client.post(reverse("notices:delete", args=[district.pk])).status_code == 403
    # an enterprise user has no notices at all
    client.force_login(people.enterprise_user)
    assert client.get(reverse("notices:list")).status_code == 404
    assert before[2:5] == state(district)[2:5]


def test_readers_open_it_and_the_issuer_sees_the_receipts(client, frozen, people, django_capture_on_commit_callbacks):
    notice = publish(written(draft(frozen, people.city_bureau), people.city_bureau), people.city_bureau,
                     django_capture_on_commit_callbacks)
    client.force_login(people.a1_inspector)
    listing = client.get(reverse("notices:list")).content.decode()
    assert notice.title in listing and 'id="notice-draft"' not in listing
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "常应急函〔2026〕1号" in page and 'id="notice-receipts"' not in page
    client.force_login(people.city_bureau)
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    # 甲区: a_bureau, a1_inspector and the grid member read notices (the inactive inspector does not count)
    assert 'id="notice-receipts"' in page and "已读 1 / 3" in page and "已读 0 / 2" in page
    assert NoticeReceipt.objects.get().user == people.a1_inspector


def test_the_list_filters_by_quarter_and_state(client, frozen, people, django_capture_on_commit_callbacks):
    published = publish(written(draft(frozen, people.city_bureau), people.city_bureau), people.city_bureau,
                        django_capture_on_commit_callbacks)
    kept = draft(frozen, people.city_bureau)
    Notice.objects.filter(pk=kept.pk).update(title="另一份草稿")
    client.force_login(people.city_bureau)
    page = client.get(reverse("notices:list"), {"state": "published"}).content.decode()
    assert published.title in page and "另一份草稿" not in page
    page = client.get(reverse("notices:list"), {"state": "draft", "period": "2026Q3"}).content.decode()
    assert "另一份草稿" in page and "常应急函〔2026〕1号" not in page
    page = client.get(reverse("notices:list"), {"period": "2026Q2"}).content.decode()
    assert "没有符合条件的通报" in page
