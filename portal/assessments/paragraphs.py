"""The assessments' paragraph of the quarterly notice's main work (``portal.figures.paragraphs``;
issue 12 item 4: the notice cites rubric totals and key-task statuses): the quarterly scores the
region gave its units (how many scored, the mean, the highest and the lowest unit with its score)
and the key tasks (met and overdue, the units with overdue tasks named) — read from the registered
figures ``assessments.unit_score``, ``assessments.key_tasks_met`` and
``assessments.key_tasks_overdue`` of the region and period. A region with no unit scored and no key
task met or overdue gets no paragraph."""
from decimal import Decimal

from portal.figures import paragraphs

SCORE, MET, OVERDUE = "assessments.unit_score", "assessments.key_tasks_met", "assessments.key_tasks_overdue"
FIGURES = [SCORE, MET, OVERDUE]


def _scores(v):
    scored = [(unit, value) for unit, value in v.units(SCORE) if value.raw is not None]
    if not scored:
        return ""
    if len(scored) == 1:
        unit, value = scored[0]
        return f"{v.period}，{v.scope}对{unit.name}开展季度考核评估，得分{value}分"
    high = max(scored, key=lambda pair: pair[1].raw)  # ties: the first in the bureau's order
    low = min(scored, key=lambda pair: pair[1].raw)
    # the mean of the units' scores (the region's own row is the score its parent gave it: the
    # figure does not roll up)
    mean = str(round(sum(Decimal(str(value.raw)) for _unit, value in scored) / len(scored), 2))
    mean = mean.rstrip("0").rstrip(".") if "." in mean else mean
    return (f"{v.period}，{v.scope}对{len(scored)}个单位开展季度考核评估，平均得分{mean}分，"
            f"最高为{high[0].name}{high[1]}分，最低为{low[0].name}{low[1]}分")


def _key_tasks(v):
    met, overdue = v[MET], v[OVERDUE]
    if not (met.raw or overdue.raw):
        return ""
    late = [f"{unit.name}{value}项" for unit, value in v.units(OVERDUE) if value.raw]
    named = f"（{'、'.join(late)}）" if late else ""
    return f"重点工作任务各单位累计完成{met}项，逾期未完成{overdue}项{named}"


def assessments(v):
    parts = [part for part in (_scores(v), _key_tasks(v)) if part]
    if not parts:
        return ""  # nothing scored, no key task met or overdue: no paragraph
    text = "；".join(parts)
    return f"{text}。" if parts[0].startswith(v.period) else f"{v.period}，{v.scope}{text}。"


paragraphs.register("assessments.assessments", "扎实开展两评估和重点工作任务考核", order=50, figures=FIGURES,
                    template=assessments)
