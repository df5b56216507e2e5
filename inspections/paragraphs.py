"""Enforcement's paragraph of the quarterly notice's main work (``portal.figures.paragraphs``),
after seed 001 (二) "组织力量开展核查检查": the verification checks by level and the enterprises
checked, the inspections done, the hazards found and closed."""
from portal.figures import paragraphs
from portal.figures.paragraphs import number

LEVELS = [("province", "省级"), ("city", "市级"), ("district", "区级"), ("township", "镇级")]
FIGURES = [*(f"inspections.verification_checks_{level}" for level, _name in LEVELS),
           "inspections.verification_enterprises", "inspections.inspections_done", "inspections.hazards_found",
           "inspections.major_hazards_found", "inspections.hazards_closed", "inspections.closure_rate",
           "inspections.hazards_overdue"]


def enforcement(values):
    checks = [(name, values[f"inspections.verification_checks_{level}"].raw) for level, name in LEVELS]
    total = sum(n or 0 for _name, n in checks)
    by_level = "、".join(f"{name}{number(n)}次" for name, n in checks if n)
    verification = (f"开展核查检查{number(total)}次（{by_level}），核查企业{values['inspections.verification_enterprises']}家"
                    if total else "未开展核查检查")
    return (f"{values.period}，{values.scope}{verification}；开展执法检查{values['inspections.inspections_done']}次，"
            f"共发现隐患{values['inspections.hazards_found']}项，其中重大隐患{values['inspections.major_hazards_found']}项，"
            f"整改闭环隐患{values['inspections.hazards_closed']}项，当期发现隐患的整改闭环率为"
            f"{values['inspections.closure_rate']}；期末逾期未整改隐患{values['inspections.hazards_overdue']}项。")


paragraphs.register("inspections.enforcement", "组织力量开展核查检查", order=20, figures=FIGURES,
                    template=enforcement)
