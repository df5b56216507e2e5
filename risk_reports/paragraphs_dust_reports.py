"""Dust cleaning's and risk reports' paragraphs of the quarterly notice's main work
(``portal.figures.paragraphs``; issue 11: each part adds its paragraph material through the registry,
the notice knowing no app).

- dust cleaning, after seed 001 (二) "三是紧盯涉爆粉尘企业严格落实粉尘清扫制度": the key dust sites,
  the 一天提醒、三天督促、七天核查 mechanism with its steps taken, the daily upload rate (with what was
  due and what came), and the photos flagged and sent back (seed 001 (二) of the next steps:
  常态化开展粉尘照片质量抽查……要求重新上传);
- risk reports, after seed 001 (三) "全力做好风险报告“后半篇”" and seed 000 item 2: reports submitted
  and accepted, the enterprises that owed the periodic report and those still missing it (only in a
  period holding the deadline), the zero reports (对重点行业领域但风险报告数量为 0 的企业开展全覆盖检查)
  and the model enterprises.

A region with nothing to say (no key dust site; no report owed, sent or marked) gets no paragraph.
"""
from portal.figures import paragraphs

DUST = ["risk.dust_sites", "risk.dust_upload_rate", "risk.dust_escalations_1", "risk.dust_escalations_3",
        "risk.dust_escalations_7", "risk.dust_photos_flagged", "risk.dust_photos_sent_back"]
REPORTS = ["risk.reports_due", "risk.reports_submitted", "risk.reports_accepted", "risk.reports_missing",
           "risk.zero_reports", "risk.model_enterprises"]


def dust_cleaning(v):
    if not v["risk.dust_sites"].raw and not v["risk.dust_upload_rate"].denominator.raw:
        return ""  # no key dust site in the region: no paragraph
    rate = v["risk.dust_upload_rate"]
    kept = "保持" if rate.raw is not None and rate.raw >= 100 else "为"
    return (f"{v.period}，{v.scope}督促涉爆粉尘企业{v['risk.dust_sites']}处重点粉尘场所开展粉尘清扫工作；"
            f"建立“一天提醒、三天督促、七天核查”工作机制，督促涉粉企业每日通过“常安码”扫码上传清扫作业照片，"
            f"每日上报率{kept}{rate}（应上传{rate.denominator}处次，已上传{rate.numerator}处次）；"
            f"对未按时上传的发出一天提醒{v['risk.dust_escalations_1']}次、三天督促{v['risk.dust_escalations_3']}次，"
            f"开展七天核查{v['risk.dust_escalations_7']}次；发现存疑照片{v['risk.dust_photos_flagged']}张，"
            f"退回要求重新上传{v['risk.dust_photos_sent_back']}张。")


def risk_reports(v):
    if not any(v[name].raw for name in REPORTS):
        return ""  # nothing reported, owed or marked in the period: no paragraph
    due = v["risk.reports_due"].raw
    owed = (f"应完成年度风险报告企业{v['risk.reports_due']}家，截至报告期限仍有{v['risk.reports_missing']}家未报告；"
            if due else "")
    zero = v["risk.zero_reports"]
    zero_text = f"重点行业领域或规上企业中较大以上风险报告数量为0的企业{zero}家，将开展全覆盖检查；" if zero.raw else ""
    return (f"{v.period}，{v.scope}企业提交安全风险报告{v['risk.reports_submitted']}份，审核通过"
            f"{v['risk.reports_accepted']}份；{owed}{zero_text}确定风险报告示范企业{v['risk.model_enterprises']}家。")


paragraphs.register("risk.dust_cleaning", "紧盯涉爆粉尘企业严格落实粉尘清扫制度", order=25, figures=DUST,
                    template=dust_cleaning)
paragraphs.register("risk.reports", "全力做好风险报告“后半篇”", order=28, figures=REPORTS, template=risk_reports)
