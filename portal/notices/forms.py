"""The notice's forms: the draft from a snapshot, and the draft's text, block by block."""
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.assessments.services import period_of
from portal.ui import BootstrapFormMixin

from . import drafting

KIND_LABELS = {"h1": _("Heading"), "h2": _("Subheading"), "p": _("Paragraph")}


class SnapshotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(period)s (figures of %(region)s as of %(day)s)") % {
            "period": period_of(obj).label, "region": obj.region.name, "day": obj.computed_on.isoformat()}


class NoticeDraftForm(BootstrapFormMixin, forms.Form):
    snapshot = SnapshotChoiceField(label=_("Quarter"), queryset=None, empty_label=None)
    number_prefix = forms.CharField(label=_("Number prefix"), max_length=32, required=False,
                                    help_text=_("e.g. 常应急函; empty: the region's short name and 应急函."))

    def __init__(self, *args, snapshots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].queryset = snapshots


class NoticeEditForm(BootstrapFormMixin, forms.Form):
    """The draft's header and closing fields, a textarea per block of the body (emptied: removed),
    one per paragraph of the next steps and ``extra_steps`` empty ones (filled: added), a checkbox
    per ranking table (cleared: dropped)."""

    authority = forms.CharField(label=_("Issuing authority"), max_length=64)
    number_prefix = forms.CharField(label=_("Number prefix"), max_length=32,
                                    help_text=_("The number is given on publishing: prefix〔year〕n号."))
    title = forms.CharField(label=_("Title"), max_length=200)
    addressees = forms.CharField(label=_("Addressees"), max_length=300)
    copied_to = forms.CharField(label=_("Copied to"), max_length=300, required=False)
    printing_office = forms.CharField(label=_("Printing office"), max_length=64, required=False)
    signature_date = forms.DateField(label=_("Signature date"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     help_text=_("Empty: the day it is published."))

    def __init__(self, *args, notice, extra_steps=1, **kwargs):
        initial = {name: getattr(notice, name) for name in ("authority", "number_prefix", "title", "addressees",
                                                             "copied_to", "printing_office", "signature_date")}
        self.notice = notice
        self.block_fields, self.step_fields, self.attachment_fields = [], [], []
        super().__init__(*args, initial=initial, **kwargs)
        for index, block in enumerate(notice.body or ()):
            if block.get("kind") == "table":
                continue
            name = f"block_{index}"
            rows = 1 if block["kind"] in ("h1", "h2") else 5
            self.fields[name] = forms.CharField(label=KIND_LABELS.get(block["kind"], block["kind"]), required=False,
                                                initial=block.get("text", ""), strip=True,
                                                widget=forms.Textarea(attrs={"rows": rows, "data-kind": block["kind"]}))
            self.block_fields.append(name)
        steps = list(notice.next_steps or ())
        for index, text in enumerate([*steps, *[""] * extra_steps]):
            name = f"step_{index}"
            self.fields[name] = forms.CharField(label=_("Paragraph %(n)d") % {"n": index + 1}, required=False,
                                                initial=text, widget=forms.Textarea(attrs={"rows": 4}))
            self.step_fields.append(name)
        for index, attachment in enumerate(notice.attachments or (), start=1):
            name = f"attachment_{index}"
            self.fields[name] = forms.BooleanField(label=f"{drafting.attachment_label(index)}：{attachment['title']}",
                                                   required=False, initial=True)
            self.attachment_fields.append((name, attachment))
        for name in (*self.block_fields, *self.step_fields):
            self.fields[name].widget.attrs["class"] = "form-control"

    def changes(self):
        """The keyword arguments of ``services.notice_update``."""
        data = self.cleaned_data
        body = []
        for index, block in enumerate(self.notice.body or ()):
            name = f"block_{index}"
            body.append(block if name not in self.fields else {"kind": block["kind"], "text": data.get(name, "")})
        return {
            **{name: data.get(name) for name in ("authority", "number_prefix", "title", "addressees", "copied_to",
                                                 "printing_office", "signature_date")},
            "body": body,
            "next_steps": [data.get(name, "") for name in self.step_fields],
            "attachments": [attachment["figure"] for name, attachment in self.attachment_fields if data.get(name)],
        }

    @property
    def blocks(self):
        return [self[name] for name in self.block_fields]

    @property
    def steps(self):
        return [self[name] for name in self.step_fields]

    @property
    def attachment_boxes(self):
        return [self[name] for name, _attachment in self.attachment_fields]

    @property
    def header_fields(self):
        return [self[name] for name in ("authority", "number_prefix", "title", "addressees")]

    @property
    def closing_fields(self):
        return [self[name] for name in ("copied_to", "printing_office", "signature_date")]
