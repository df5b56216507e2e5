"""The roster's paragraph of the quarterly notice's main work (``portal.figures.paragraphs``): the
enterprises on the roster, those producing and those still outside any grid cell (seed 001 (五):
"拓展纳入网格企业……新北区和经开区分别有 267 家、210 家企业尚未划分网格")."""
from portal.figures import paragraphs

paragraphs.register(
    "enterprises.roster", "夯实企业名录底数", order=10,
    figures=["enterprises.on_roster", "enterprises.producing", "enterprises.outside_grid"],
    template=("{scope}企业名录库在册工贸企业{enterprises.on_roster}家，其中正常生产企业{enterprises.producing}家；"
              "尚有{enterprises.outside_grid}家企业未纳入网格管理。"))
