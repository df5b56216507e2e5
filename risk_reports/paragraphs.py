"""The Changan code's paragraph of the quarterly notice's main work (``portal.figures.paragraphs``),
after seed 001 (三) "三是严抓运行质量": enterprises using the code and the usage rate, the risks
identified in the four classes, the hazards found by scanning, and the overdue and participation
rates the problems section holds them to."""
from portal.figures import paragraphs

paragraphs.register(
    "risk.changan_code", "全力做好风险报告和“常安码”运行", order=30,
    figures=["risk.enterprises_using", "risk.usage_rate", "risk.points", "risk.points_red", "risk.points_orange",
             "risk.points_yellow", "risk.points_blue", "risk.scan_hazards", "risk.overdue_rate",
             "risk.principal_participation"],
    template=("截至{period}末，{scope}{risk.enterprises_using}家工贸企业已常态化使用“常安码”，常安码使用率达"
              "{risk.usage_rate}，累计辨识四类风险{risk.points}处（其中重大风险{risk.points_red}处、较大风险"
              "{risk.points_orange}处、一般风险{risk.points_yellow}处、低风险{risk.points_blue}处），扫码自查排查隐患"
              "{risk.scan_hazards}条；风险逾期率为{risk.overdue_rate}，企业主要负责人参与率为"
              "{risk.principal_participation}。"))

# issue 11: dust cleaning's and risk reports' paragraphs, in their own module
from . import paragraphs_dust_reports  # noqa: E402,F401
