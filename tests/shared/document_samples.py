"""The sample notice (seed 001's shape) both renderers are tested with: tests/shared/
test_documents.py (PDF) and test_documents_docx.py (.docx)."""
import datetime

PARAGRAPH = ("三季度以来，各地区围绕安全生产大检查、百日清零、企业安全生产标准化定级评审等重点工作，"
             "督促企业对照问题隐患落实整改，抓好企业主体责任落实，确保全市安全生产形势稳定。")


def sample_context():
    return {
        "authority": "常州市应急管理局",
        "number_text": "常应急函〔2022〕89号",
        "title": "关于三季度全市非煤矿山、冶金等工贸条线\n有关情况的通报",
        "addressees": ["各辖市（区）应急管理局", "常州经开区政法和应急局"],
        "body": [
            {"kind": "p", "text": "现将三季度全市非煤矿山、冶金等工贸条线有关情况通报如下："},
            {"kind": "h1", "text": "一、主要工作"},
            {"kind": "h2", "text": "（一）持续加强非煤矿山安全监管。"},
            *[{"kind": "p", "text": PARAGRAPH} for _ in range(2)],
            {"kind": "table", "header": ["排名", "地区", "风险逾期率"],
             "rows": [[1, "天宁区", "12.5%"], [2, "钟楼区", "18.0%"], [3, "武进区", "31.2%"]]},
            {"kind": "h2", "text": "（二）统筹推进安全生产大检查。"},
            *[{"kind": "p", "text": PARAGRAPH} for _ in range(2)],
            {"kind": "h1", "text": "二、存在问题"},
            *[{"kind": "p", "text": PARAGRAPH} for _ in range(1)],
            {"kind": "h1", "text": "三、下一步工作"},
            {"kind": "p", "text": PARAGRAPH},
        ],
        "signature_authority": "常州市应急管理局",
        "date": datetime.date(2022, 10, 8),
        "copied_to": ["市安委会各成员单位", "各辖市（区）人民政府"],
        "printing_office": "常州市应急管理局办公室",
        "print_date": datetime.date(2022, 10, 8),
    }
