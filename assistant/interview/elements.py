"""Detect which required elements (numbers, data sources, data flow, …) a text contains.

The template insists on quantitative evidence, data sources, the data-flow process
and security governance; applicants rarely volunteer them, and when they do they say
it their own way: results as amounts, counts and rates ("授信12亿元""服务3800户"
"降到了22%"), sources as "来自/由…提供/签了协议/授权/采购", flows as "推送/调用/
同步/交换". Each element is detected by general patterns of how applicants write,
plus the keywords of the element definition in the form YAML (editable there), minus
a few exclusions: "等保三级", "SM4", dates, ordinals and "每5分钟" are not figures;
plans ("希望…提升") are not results; "安全生产" is not data security.

The interview asks for what is missing and the review checks drafts with the same
rules; ``case-assistant eval-elements`` measures the detectors on a labelled set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.core.figures import extract_numbers
from assistant.forms.spec import ElementSpec, FormSpec

# --- typos that hide a keyword ------------------------------------------------------------------------
_TYPOS = {
    "数剧": "数据",
    "平太": "平台",
    "平抬": "平台",
    "系通": "系统",
    "授心": "授信",
    "受权": "授权",
    "脱民": "脱敏",
    "以经": "已经",
    "部们": "部门",
}


def _normalise(text: str) -> str:
    for wrong, right in _TYPOS.items():
        text = text.replace(wrong, right)
    return text


# --- numbers ------------------------------------------------------------------------------------------
# Spans whose digits are identifiers, dates, standards or frequencies rather than figures.
_NOT_FIGURES = re.compile(
    r"\d{4}\s*年(\s*\d{1,2}\s*月)?(\s*\d{1,2}\s*[日号])?"  # 2023年5月
    r"|\d{1,2}\s*月(\s*\d{1,2}\s*[日号])?(?=[^\d]|$)"  # 6月、6月30日
    r"|第\s*\d+"  # ordinals
    r"|[A-Za-z][A-Za-z/\-+]*\s?\d+(\.\d+)?(?![\d.]*\s*(%|万|亿|元|个|家|条|项|次|人|户|台))"  # SM4、ISO 14064、T+1
    r"|\d+(\.\d+)?\s*(?=[A-Za-z])(?!(TB|PB|GB|MB|KB|kWh|kW|MW|km|kg|t\b|W\b|万|亿))"  # 3D、5G
    r"|\d+\s*[×xX*]\s*\d+"  # 7×24
    r"|每\s*\d+(\.\d+)?\s*(分钟|秒|小时|个?工作日)"  # 每5分钟（频率）
    r"|(打|拨打)?\s*\d{3,5}\s*(热线|投诉|电话)|打\s*\d{3,5}"  # 12345热线
)
# Chinese numerals that count things ("两家银行""三个部门""一个多月"), which core does not see.
_CN_COUNT = re.compile(
    r"(?<![第一二三四五六七八九十百千万])([两二三四五六七八九][十百千]?[一二三四五六七八九]?|十[一二三四五六七八九]?)\s*(个|家|项|户|人|台|套|座|所|条|种|次|年|天|小时|部门|方)"
    r"|一[个]?多[个]?(月|年|小时|星期)|[一二三四五六七八九]番"
    r"|(上|近|好)?(十几|几十|几百|几千|上百|上千|上万)(个|家|项|户|人|台|套|条|种|次|万|亿)"  # 上百家企业
)
_STRUCTURE_COUNT = re.compile(r"^[一二三四五六七八九十两]个?(方面|层面|维度|环节|部分|阶段)")  # 三个方面


def figures(text: str) -> list[str]:
    """Figures an applicant gave: core's numbers minus identifiers/dates/ordinals, plus Chinese counts."""
    text = _normalise(text)
    cleaned = _NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), text)
    found = [m.raw for m in extract_numbers(cleaned)]
    found += [m.group(0) for m in _CN_COUNT.finditer(cleaned) if not _ordinal_at(cleaned, m.start())]
    return found


def _ordinal_at(text: str, start: int) -> bool:
    """一是/二是/三是 enumerations and 三类五级 are structure, not quantities."""
    after = text[start : start + 3]
    return bool(re.match(r"[一二三四五六七八九十]是", after) or _STRUCTURE_COUNT.match(text[start : start + 5]))


# --- results ------------------------------------------------------------------------------------------
_CHANGE = (
    r"(降低|下降|降|减少|缩短|缩减|压缩|提高|提升|提|增长|增加|增收|上涨|涨|翻|节约|节省|省|少|多|减"
    r"|增强|缓解|改善|加快|提速|优化|上升|扩大|减排)"
)
_RESULT_RE = re.compile(
    rf"{_CHANGE}(了|到|至|为|超过|近|约)"  # 降了、提高到、缩短至
    r"|从[^，。；]{1,20}?(降|提|缩短|减少|增加|增长|变成|变为|下降|上升|提高|提升)"  # 从X降到Y
    r"|(明显|显著|大幅|有效)(提高|提升|降低|下降|减少|缩短|增强|改善|缓解)"
    r"|(提高|提升|降低|下降|减少|缩短|增强|改善)(明显|显著|\d)"
    r"|[率度性效量](也|都|明显|显著)?(高|低|快|上来|好)了"  # 满意度高了、首诊率也上来了
    r"|更(方便|便捷|快|高效|精准)了|不用再|不再需要|无需再"
    r"|(累计|已经|已|目前|现在|截至|截止|至今)[^，。；]{0,14}?[\d两三四五六七八九十百千万]"  # 已有38家、累计三千多次
    r"|(帮助|帮|促成|带动|支撑|支持|服务|覆盖|追回|查处|转移|处置|放款|放了|发放|授信|卖了|实现|完成|开了|拿到|获得|"
    r"多拿|多卖|汇聚|惠及|吸引|撮合|带来|创造|挽回|赔付|赔了|处置了|预警)[^，。；]{0,12}?[\d两三四五六七八九十百千万]"
    r"|有所(下降|降低|提升|提高|改善|缓解|减少)"
    r"|(成交额|交易额|营收|收入|产值|效益|赔款|利润|销售额|节约|节省|资金|贷款)[^，。；]{0,6}?\d"
    r"|(不良率|逾期率|准确率|准点率|合格率|满意度|覆盖率|达标率|消纳率|触达率|互认率|溢价|复游率|共享率)[^，。；]{0,8}?\d"
    r"|没有(再)?(出现|发生)|零(事故|伤亡)"
)
_PLAN_RE = re.compile(
    r"^[^，。；]{0,8}?(希望|计划|打算|准备|拟|争取|力争|下一步|后续|今后|后面还|将来|未来|预计|目标是|定的目标)"
)
_UNKNOWN_RE = re.compile(r"多少|不清楚|不知道|得问|回去翻|再统计|还没统计")  # "具体减了多少……我得回去翻一下"
_PROBLEM_RATE_RE = re.compile(r"(不到|不足|只有|仅有|高达|以前|原来|过去|此前)[^，。；]{0,6}?\d")


def has_results(text: str) -> bool:
    text = _normalise(text)
    for clause in _clauses(text):
        match = _RESULT_RE.search(clause)
        if not match or _UNKNOWN_RE.search(clause) or _PLAN_RE.search(clause.strip()):
            continue
        if _PROBLEM_RATE_RE.search(clause) and not re.search(_CHANGE + r"(了|到|至)", clause):
            continue
        return True
    return False


# --- data sources ---------------------------------------------------------------------------------------
_DATA_WORD = r"(数据|资源|信令|视频|订单|流水|病历|单证|轨迹|记录|报告|图纸|BOM|工单|身份证号|手机号|影像|图像)"
_SOURCE_RE = re.compile(
    r"来自|来源|由[^，。；]{1,20}?(提供|推送|上报|共享|授权|采集)|(负责)?提供[^，。；]{0,6}?数据"
    r"|签(了|订|署)?[^，。；]{0,12}?(?<!保密)(协议|合同|授权书)|授权(?!收入)|采购(的|了|自|来)|购买|买的"
    r"|接入|接进来|接了|接到|对接过来|申请的|采集(的|了|自|到|上来|来)|采上来|汇交|获取"
    r"|从(?!原来|以前|过去|前)[^，。；]{1,20}?(拿|获取|采集|对接|申请|调|导入|同步|来)"
    r"|(用的是|用的都是|用了|用到|使用了?|利用)[^，。；]{1,16}?"
    + _DATA_WORD
    + r"|公共数据|政务数据|企业数据|数据交易|数据集|数据量|版权|使用权|ERP|MES|PLC|DCS|POS|CRM|PACS|HIS|LIS"
    r"|[\u4e00-\u9fff]{2,}、[^，。；]{0,30}?(的|这些|等)?(数据|记录)(?!化|中心|发展|局)"
    r"|(设备|系统|平台|企业|机构|医院|银行|单位|公司|网点|终端|监测点|站点|传感器)的数据"
)
# "X数据" naming a kind of data ("实验数据""土地确权数据"); "的数据/把数据/用数据" are not a named kind.
_NAMED_DATA_RE = re.compile(r"([\u4e00-\u9fffA-Za-z]{2})数据(?!化|中心|发展|局|安全|要素|很重要|的价值)")
_NOT_A_KIND = set(
    "的把用了是让将对和与及这那些个有没无找拿要给在都从向被按其该各本我你他它们开通享出入里中离清过到做靠边面大"
)
_GENERIC_DATA = re.compile(r"(各个部门|部门|自己)的数据|数据很重要|离不开数据|没有数据")
_GENERIC_PREFIX = ("核心", "重要", "敏感", "原始", "相关", "所有", "这些", "很多", "更多", "大量", "海量")


def has_data_sources(text: str) -> bool:
    text = _normalise(text)
    if _SOURCE_RE.search(text):
        return True
    for match in _NAMED_DATA_RE.finditer(text):
        prefix = match.group(1)
        if prefix[-1] not in _NOT_A_KIND and prefix not in _GENERIC_PREFIX and not _GENERIC_DATA.search(text):
            return True
    return False


# --- data flow ------------------------------------------------------------------------------------------
_FLOW_RE = re.compile(
    r"推送|推到|推给|推过来|推回|推来|传到|传给|上传|回传|传过来|传一次|传输|同步|流转|(?<!商贸)流通|流向|交换|分发|下发(到|给|至)"
    r"|(?<!不愿意)(?<!不愿)共享(?!率)|调用|调取|接口|API|打通|汇到|汇聚|汇总|汇交|汇入|归集|整合|接到"
    r"|给到|(提供|授权|开放|转)给|报送|上报|对接过来|专线|FTP|MQTT|SaaS|数据空间|联合建模|不出域|不出厂|隐私计算|联邦学习"
    r"|跨机构|交易中心|→|->|按权限|按需|申请使用|都能看到|也能看到|(那边|方)[^，。；]{0,10}给(我们|他们|你们)?的"
    r"|对接(了|到|上|后|以后)|推[^，。；给]{0,4}给|挂(上去|到平台)|系统对接|对接的"
    r"|接入(了|到)?[^，。；]{0,16}(系统|平台|中心)|传回|汇(上来|过来)|调阅|拉取|拉过来|带出来|回填|发给|发到"
)
_NO_FLOW_RE = re.compile(
    r"不愿意[^，。；]{0,8}(共享|拿出来)|不在一个系统|没有(打通|共享)|(不能|不得|禁止)[^，。；]{0,4}(转给|提供给|共享)"
)


def has_data_flow(text: str) -> bool:
    text = _normalise(text)
    hits = [m for m in _FLOW_RE.finditer(text)]
    if not hits:
        return False
    return not (_NO_FLOW_RE.search(text) and len(hits) <= 1)


# --- security -------------------------------------------------------------------------------------------
_SECURITY_RE = re.compile(
    r"加密|脱敏|去标识|匿名化|哈希|打码|模糊化|隐私(计算|保护|政策|协议)|权限|等保|等级保护|审计|可用不可见|不出域|不出厂|不出境|不落地"
    r"|联邦学习|区块链|上链|存证|防篡改|沙箱|分类分级|分了[一二三四五六七八九\d]+[级类]|[三四五]级(等保|等级保护|防护)|堡垒机|日志|留痕"
    r"|保密协议|承诺书|责任书|影响评估|备案|物理隔离|网闸|防火墙|防病毒|渗透测试|认证|复核|密钥|token|HTTPS"
    r"|频率限制|频次|封禁|值守|安全运维|安全管理|数据安全|安全治理|安全计算|可信执行环境|TEE|多方安全|敏感|商业秘密"
    r"|(经|须|需|要)[^，。；]{0,4}审批|审批(后|通过|才)|伦理|(看|拿)不到[^，。；]{0,6}(原始|明细|明文|数据)"
    r"|看得到|只能看到自己|不含明细|不对外提供|自动删除|只能自用|不上平台|只采集|聚合后"
    r"|打了?星号|授权书|只能用于|仅用于|不能(做|用于)其他|约定[^，。；]{0,6}用途|授权(以后|后|之后)|经[^，。；]{0,6}授权"
    r"|(没有|不含|不涉及)个人信息|API ?key"
)
_NO_SECURITY_RE = re.compile(
    r"(没有|没什么|还没|未)[^，。；]{0,8}(安全|制度)|安全[^，。；]{0,6}(还在完善|基本上都是按)|安全生产|安全感"
)
_SHRUG_RE = re.compile(r"安全[^，。；]{0,8}(还没怎么|暂时没|没怎么)|(后面|以后|回头)再(说|弄|搞)")


def has_security(text: str) -> bool:
    text = _normalise(text)
    if _SHRUG_RE.search(text):
        return False  # "安全这块暂时还没怎么弄，等保什么的后面再说吧"
    if _NO_SECURITY_RE.search(text) and not re.search(r"加密|脱敏|等保|审计|隐私|权限", text):
        return False
    return bool(_SECURITY_RE.search(text))


# --- the public API ---------------------------------------------------------------------------------------
_DETECTORS = {
    "numbers": lambda text: bool(figures(text)),
    "results": has_results,
    "data_sources": has_data_sources,
    "data_flow": has_data_flow,
    "security": has_security,
}


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(r"[。；;！？!?\n]", text) if c.strip()]


def detect(element_id: str, spec: ElementSpec | None, text: str) -> bool:
    """Whether ``text`` contains element ``element_id`` (built-in patterns, then the YAML keywords)."""
    if element_id != "numbers" and _PLAN_RE.search(_normalise(text).strip()):
        return False  # "希望下一步能接入…提升…" is a plan, not a fact
    detector = _DETECTORS.get(element_id)
    if detector is not None:
        if detector(text):
            return True
        if spec is None or spec.detector == "number":
            return False
        # the YAML keywords are an editable extension; exclusions still apply
        return element_id != "security" and _keyword_hit(spec.keywords, text, element_id)
    if spec is None:
        return False
    if spec.detector == "number":
        return bool(figures(text))
    return _keyword_hit(spec.keywords, text, element_id)


def _keyword_hit(keywords: Iterable[str], text: str, element_id: str) -> bool:
    text = _normalise(text)
    if element_id == "results":  # a plan or an unknown amount is not a result, also by keyword
        return any(
            any(keyword in clause for keyword in keywords)
            for clause in _clauses(text)
            if not _PLAN_RE.search(clause.strip()) and not _UNKNOWN_RE.search(clause)
        )
    return any(keyword in text for keyword in keywords)


def has_element(spec: ElementSpec, text: str, element_id: str | None = None) -> bool:
    if element_id is None:
        element_id = "numbers" if spec.detector == "number" else ""
    return detect(element_id, spec, text)


def elements_in(form: FormSpec, text: str) -> set[str]:
    """Every element of the form that ``text`` contains."""
    return {eid for eid, spec in form.elements.items() if detect(eid, spec, text)}


def missing_elements(form: FormSpec, element_ids: list[str], text: str) -> list[str]:
    """Element ids from ``element_ids`` that ``text`` does not contain, in order."""
    return [eid for eid in element_ids if not detect(eid, form.elements[eid], text)]


def element_labels(form: FormSpec, element_ids: list[str]) -> list[str]:
    return [form.elements[eid].label for eid in element_ids]
