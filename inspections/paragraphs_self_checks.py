"""The self-check paragraph of the quarterly notice's main work (``portal.figures.paragraphs``), in
seed 001 (二)一's words: "督促企业开展深度自查 … 向全市 27891 家正常生产的工贸企业发送自查清单，已开展自查
25345 家，占总数的 90.87%" — here "X 家企业下发自查清单，完成 Y 家，完成率 Z%". A period in which no
list was sent has no such work to report: the paragraph is left out of the notice then."""
from portal.figures import paragraphs

FIGURES = ["inspections.self_checks_sent", "inspections.self_checks_done", "inspections.self_check_rate"]


def self_checks(values):
    if not values["inspections.self_checks_sent"].raw:
        return ""
    return (f"{values.period}，{values.scope}{values['inspections.self_checks_sent']}家企业下发自查清单，"
            f"完成{values['inspections.self_checks_done']}家，完成率{values['inspections.self_check_rate']}。")


paragraphs.register("inspections.self_checks", "督促企业开展深度自查", order=15, figures=FIGURES, template=self_checks)
