"""Generate ``corpus/sample/`` from the original articles written below.

Every story, name, place and site below is invented for the project.  The script renders the
stories into HTML pages in the styles of several site families (national portals, news agency,
commercial portals, a government and a hospital site, Hong Kong / Taiwan papers, a WeChat
article), encodes them as UTF-8, GBK or Big5, and writes plain-text dumps and JSONL files in the
shapes scrapers leave behind.  Traditional versions are made with OpenCC; pinyin annotations
(``醫(yī)``) are added the way conversion sites add them.  ``sample_expected.json`` is NOT generated:
it is written by hand from the pages.

Run: ``python corpus/make_sample.py`` (rewrites ``corpus/sample/{html,text,jsonl}``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import opencc

OUT = Path(__file__).resolve().parent / "sample"

#: Characters conversion sites annotate with pinyin, e.g. 醫師節 -> 醫(yī)師節(jié).
PINYIN = {
    "醫": "yī", "節": "jié", "護": "hù", "務": "wù", "區": "qū", "網": "wǎng", "業": "yè",
    "擔": "dān", "貼": "tiē", "療": "liáo", "產": "chǎn", "設": "shè", "衛": "wèi",
    "濟": "jì", "歷": "lì", "質": "zhì", "總": "zǒng", "勞": "láo", "職": "zhí",
}

#: Hong Kong variant glyphs OpenCC emits that plain Big5 lacks, mapped to their Big5 forms.
BIG5_VARIANTS = str.maketrans({"着": "著", "衞": "衛", "綫": "線", "裏": "裡", "啓": "啟", "爲": "為", "牀": "床", "説": "說"})

_CONVERTERS: dict[str, opencc.OpenCC] = {}


def trad(text: str, config: str = "s2hk") -> str:
    """Simplified -> Traditional with OpenCC (``s2hk`` for Hong Kong, ``s2tw`` for Taiwan)."""
    if config not in _CONVERTERS:
        _CONVERTERS[config] = opencc.OpenCC(config)
    return _CONVERTERS[config].convert(text)


def pinyin_annotate(text: str) -> str:
    """Append ``(pinyin)`` after every character in :data:`PINYIN`, as conversion sites do."""
    return "".join(f"{ch}({PINYIN[ch]})" if ch in PINYIN else ch for ch in text)


def mojibake(text: str) -> str:
    """UTF-8 bytes wrongly read as GBK: the classic 鍖荤敓-style garbage."""
    return text.encode("utf-8").decode("gbk", errors="replace")


def write(rel: str, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` under ``corpus/sample/`` in ``encoding`` (fails on unencodable chars)."""
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if encoding == "big5":
        text = text.translate(BIG5_VARIANTS)
    path.write_bytes(text.encode(encoding))



# ---------------------------------------------------------------------------------------------
# Stories (original text, Simplified; Traditional pages are converted at build time)
# ---------------------------------------------------------------------------------------------

Story = dict[str, Any]


def paras(block: str) -> list[str]:
    """Split a triple-quoted block into non-empty paragraphs."""
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


DOCTORS_DAY: Story = dict(
    title="江洲市表彰百名优秀医师 基层医生首次占比过半",
    subtitle="第六个中国医师节来临之际",
    date="2023年08月19日08:38",
    iso="2023-08-19T08:38:00+08:00",
    source="华夏日报",
    author="记者 梁思远",
    editor="王一鸣、周晓岚",
    channel="健康频道",
    url="http://health.huaxia-daily.example/n1/2023/0819/c14739-40058812.html",
    paras=paras("""
8月18日，第六个中国医师节来临之际，江洲市召开庆祝大会，对100名“江洲市优秀医师”和20个“先进医疗集体”进行表彰。记者从会上获悉，今年获表彰的医师中，来自乡镇卫生院和社区卫生服务中心的基层医生有53名，比例首次超过一半。
青禾县石桥镇卫生院全科医生刘春燕是受表彰者之一。她在镇上工作了十六年，负责周边7个村两千多名慢性病患者的随访。“以前总觉得表彰离我们很远，这次站上台，觉得这份坚守被看见了。”刘春燕说。
市卫生健康委主任陈立群介绍，除颁发荣誉证书外，受表彰医师在职称评审时同等条件下优先推荐，并可享受一次免费健康疗养。今年起，全市二级以上医院还将在医师节当天为全体医师安排半天调休，让医生“过节能休息”。
会上还发布了《关于进一步关心关爱医务人员的若干措施》，从落实薪酬待遇、改善值班休息条件、加强执业安全保护等方面提出18条具体举措。其中明确，夜班费标准由每晚40元提高到80元，基层卫生院医生的乡镇工作补贴每月不低于500元。
“医生的获得感，最终会转化为患者的获得感。”陈立群表示，下一步将对各项措施的落实情况进行督查，并把医务人员满意度纳入医院绩效考核。
"""),
)

HOSPITAL_SECURITY: Story = dict(
    title="多地医院推行安检和“一键报警” 为医务人员筑牢安全防线",
    date="2021-03-05 10:12:36",
    iso="2021-03-05T10:12:36+08:00",
    source="新华视讯",
    author="孙立新 赵雯",
    editor="李 娜",
    channel="社会",
    url="http://www.xhsx-news.example/politics/2021-03/05/c_1127172230.htm",
    paras=paras("""
本网北京3月5日电（记者 孙立新 赵雯）在急诊大厅入口接受安检、诊室里装上一键报警按钮、保安巡逻与派出所联网……记者近日在多地采访发现，越来越多的医院正把“平安医院”建设落到细节上，为医务人员营造安全的执业环境。
在海澄市中心医院，急诊科医生郑浩指着诊桌下方一个红色按钮告诉记者，一旦遇到情绪失控的患者或家属，按下按钮后，医院保卫处和辖区警务室能在3分钟内赶到。“去年夏天有一次夜班，一位醉酒的家属拍桌子要动手，按钮按下去不到两分钟保安就到了。”郑浩说，有了这层保障，夜里值班心里踏实多了。
海澄市卫生健康委相关负责人介绍，全市二级以上医院已全部在门急诊入口设置安检通道，去年共查获管制刀具等违禁物品170余件。同时，医院与公安机关建立了涉医案件快速处置机制，对殴打、威胁医务人员的行为“零容忍”，依法从严处理。
受访专家认为，保护医务人员安全，既要靠硬件“硬防护”，也要靠制度“软约束”。北方医科大学卫生法学教授蒋明远表示，法律已明确规定医疗卫生人员的人身安全、人格尊严不受侵犯，关键在于执行到位，让每一起伤医事件都付出应有的法律代价。
此外，一些医院还为一线医生开设了医患沟通技巧培训，帮助医务人员在冲突发生前化解矛盾。
"""),
)

NURSE_ROTATION: Story = dict(
    title="支援护士实行“四班倒” 每工作14天集中休整",
    date="2020年02月16日 21:05",
    iso="2020-02-16T21:05:00+08:00",
    source="新澜网",
    author="",
    editor="张弛",
    channel="国内新闻",
    url="https://news.xinlan.example/c/2020-02-16/doc-iimxxstf1928374.shtml",
    paras=paras("""
新澜网讯 记者从临川省卫生健康委获悉，为防止一线医护人员过度疲劳，从即日起，全省定点救治医院的护理人员统一实行“四班倒”排班，每班工作时间原则上不超过6小时，每工作14天安排集中轮休。
“最累的时候，连续上了两个12小时的班，脱下防护服手都是抖的。”在东陵区人民医院隔离病区工作的护士小吴说，新的排班表出来后，大家终于能睡上一个整觉了。
据介绍，轮休期间，医护人员统一安排在医院附近的酒店休息，酒店提供一日三餐和洗衣服务，并配备心理咨询师。各医院还要根据病区床位数动态调配护士，确保床护比不低于1:0.6，不得以加班代替补员。
临川省卫生健康委要求，各地要把一线医务人员的休息时间作为“硬任务”落实，对连续工作超过规定时长的，要及时查找原因，追加人手。
"""),
)

RESIDENT_PAY: Story = dict(
    title="规培医生月收入不足三千？多地出台新规提高住培学员待遇",
    date="2022-07-14 10:22:31",
    iso="2022-07-14T10:22:31+08:00",
    source="中国青年时报",
    author="",
    editor="陈晓峰_NQ5201",
    channel="健康",
    url="https://www.yunfan.example/news/article/HC7QK2JU0514R9P4.html",
    paras=paras("""
每年7月，都有一批医学毕业生走进医院，开始为期三年的住院医师规范化培训（简称“规培”）。不少学员坦言，规培期间工作强度与正式医生相当，收入却常常“缩水”。记者近日调查发现，已有多个省份出台新规，明确规培学员的工资和补助标准。
在某三甲医院规培的王医生告诉记者，他每周要值两个夜班，去年的月收入扣除社保后不到三千元，“在省城租房就要花掉一半”。而同科室面向社会招收的学员，由于没有原单位发放工资，处境更加困难。
根据东南某省今年6月印发的通知，面向社会招收的规培学员，培训基地应参照本单位同等条件住院医师的工资水平确定其薪酬待遇，财政补助每人每月不低于2000元；培训基地还应按规定为学员缴纳社会保险，提供免费或低价住宿。
通知还明确，规培合格的本科学历临床医师，在招聘、职称晋升、岗位聘用、薪酬待遇等方面，与临床医学专业学位硕士研究生同等对待。
业内人士指出，规培是医生成长的必经阶段，只有让学员“安心培训、体面生活”，才能把更多优秀人才留在临床一线。
"""),
)

NURSES_DAY_GIFTS: Story = dict(
    title="护士节收到“暖心包” 爱心企业向千名护士捐赠护手霜和体检卡",
    date="2024-05-12 09:30",
    iso="2024-05-12T09:30:00+08:00",
    source="江洲晚报",
    author="林晓",
    editor="赵一帆",
    channel="社会",
    url="https://new.tengyun.example/rain/a/20240512A03KQ700",
    paras=paras("""
5月12日是国际护士节。当天上午，由江洲市慈善总会联合十余家爱心企业发起的“致敬白衣天使”公益活动在市第一人民医院启动，向全市1200名一线护士捐赠护理包和免费体检卡，总价值约86万元。
每个“暖心包”里装着护手霜、颈椎按摩仪和一张可用于全面体检的健康卡。“洗手、消毒一天几十次，冬天手上全是裂口，护手霜正是我们需要的。”市第一人民医院心内科护士长汪玲笑着说。
活动发起方之一、江洲康和药业有限公司负责人表示，护士群体长期倒班、工作强度大，企业希望通过实实在在的物资，表达社会对护理工作的尊重。此外，本市多家影院当天推出护士凭执业证件免费观影活动，部分餐饮企业向夜班护士提供免费夜宵。
市慈善总会介绍，今年的捐赠将优先覆盖乡镇卫生院和社区卫生服务中心的护士，活动将持续到月底。
"""),
)

STAFF_CHECKUP: Story = dict(
    title="院工会组织开展2019年度职工健康体检",
    date="2019-06-18 15:20:07",
    iso="2019-06-18T15:20:07+08:00",
    source="院工会",
    author="宋佳",
    editor="党委办公室",
    channel="工会动态",
    url="http://www.jzfirsthospital.example/ghdt/2019-06/18/content_2231.html",
    paras=paras("""
为切实关心职工身体健康，做好职工健康管理工作，院工会自6月20日起组织开展2019年度在职职工健康体检。本次体检覆盖全院在职职工及退休职工共2146人，费用由医院和工会经费共同承担。
今年的体检项目在往年基础上，针对医务人员职业特点，新增了颈椎和腰椎磁共振筛查、甲状腺彩超以及心理健康测评，女职工增加乳腺和妇科专项检查。体检按科室分批进行，具体安排如下：
{TABLE}
院工会提醒，体检前一天晚上十点后请勿进食，夜班职工可与科室协调调整批次。体检结果将统一录入职工健康档案，对检出异常的职工，由健康管理中心一对一跟踪随访。
院工会主席黄建平表示，医务人员常年忙于照顾病人，往往忽视自身健康。下一步，工会还将开设职工“午间健身课堂”，并在各病区设立职工休息室。
"""),
    table=[
        ["批次", "日期", "科室"],
        ["第一批", "6月20日—6月22日", "内科系统、医技科室"],
        ["第二批", "6月24日—6月26日", "外科系统、急诊科"],
        ["第三批", "6月27日—6月29日", "行政后勤、退休职工"],
    ],
)

TITLE_NOTICE: Story = dict(
    title="关于进一步完善基层卫生专业技术人员职称评聘工作的通知",
    date="2021-09-27",
    iso="2021-09-27 16:03",
    source="江洲市卫生健康委员会",
    author="",
    editor="",
    channel="通知公告",
    url="http://wjw.jiangzhou.gov.example/art/2021/9/27/art_1229_3381.html",
    doc_no="江卫人〔2021〕37号",
    paras=paras("""
各县（市、区）卫生健康局、人力资源和社会保障局，委属各单位：
为进一步激发基层卫生专业技术人员活力，稳定和壮大基层卫生人才队伍，经研究，现就有关事项通知如下：
一、单独评审。基层卫生专业技术人员高级职称实行“单独分组、单独评审”，评审标准侧重实际工作业绩，不将论文、科研项目作为申报的必备条件。
二、放宽年限要求。在乡镇卫生院和村卫生室连续工作满10年的，可提前一年申报相应职称；取得中级职称后在基层连续工作满15年的，可直接申报副高级职称。
三、定向使用。通过基层单独评审取得的高级职称，原则上限定在基层医疗卫生机构聘用，调离基层的须重新评审。
四、岗位倾斜。各地要适当提高基层医疗卫生机构中高级专业技术岗位结构比例，确保符合条件的人员能够及时聘用。
本通知自印发之日起施行。
"""),
    signature=["江洲市卫生健康委员会　江洲市人力资源和社会保障局", "2021年9月27日"],
)

HK_HOTLINE: Story = dict(
    title="医管局增设心理支援热线 前线医护可匿名求助",
    date="2020年3月9日",
    iso="2020-03-09",
    source="港闻日报",
    author="",
    editor="",
    channel="港闻",
    url="https://news.hkdaily.example/article/20200309/s00002/1583692800",
    paras=paras("""
【本报讯】新冠肺炎疫情持续，前线医护人员长时间穿着保护衣工作，身心压力日增。医院管理局昨日宣布，即日起为全港公立医院员工增设24小时心理支援热线，由临床心理学家及受过训练的辅导员接听，员工可以匿名求助。
在一间急症医院隔离病房工作的护士陈姑娘表示，过去一个多月几乎每天都加班，放工后也不敢回家，怕把病毒带给年迈的父母，“有时候在更衣室会突然很想哭”。她说，同事之间互相打气，但始终需要向专业人士倾诉。
医管局发言人表示，除热线外，各联网亦会安排心理学家到病房进行小组减压活动，同时为有需要的员工提供个别辅导。局方亦会为选择暂住酒店的前线员工提供住宿安排，让他们下班后有地方好好休息。
有医护工会代表认为，局方的安排值得肯定，但更重要的是确保人手充足，让同事有足够休息时间，“压力的根源是人手不足，单靠热线解决不了”。
"""),
)

TW_NIGHT_SHIFT: Story = dict(
    title="卫福部调高大夜班津贴 护理团体：更要落实护病比",
    date="2022/05/11 18:40",
    iso="2022-05-11T18:40:00+08:00",
    source="民声新闻网",
    author="林怡君",
    editor="",
    channel="生活",
    url="https://news.minsheng.example.tw/news/life/breakingnews/3921177",
    paras=paras("""
〔记者林怡君／台北报导〕国际护师节前夕，卫生福利部今天宣布，将编列预算补助医院调高护理人员夜班津贴，大夜班每班津贴由现行的500元提高至800元，小夜班提高至600元，预计全台约6万名护理师受惠。
卫福部官员表示，近年护理人员离职率偏高，尤其夜班人力不足，部分医院急诊护理师一人要照顾十多名病人。调高夜班津贴是留任措施的第一步，未来也将研议把三班护病比纳入法规，违规医院将面临罚款。
护理师护士公会全联会理事长表示，肯定政府愿意加薪，但护理人员最在意的是工作负荷，「钱多一点很好，但如果每天还是做不完、下不了班，大家还是会走」。公会建议，医院应在排班前一个月公告班表，并保障两班之间至少间隔11小时休息。
一名在北部医学中心服务八年的护理师说，她连续上了三个月大夜班，生理时钟完全打乱，希望制度能真正改善，让护理人员「做得久、留得住」。
"""),
)

COUNSELLING_LETTER: Story = dict(
    title="给一线医护的“解压信”：这条心理援助专线，24小时为你亮着灯",
    date="2020-02-12",
    iso="1581478200",
    source="江洲心理健康",
    author="江洲市精神卫生中心",
    editor="",
    channel="",
    url="https://mp.weixin.qq.com/s/Qm3xT8vLkP2wZr9YhN4cFa",
    paras=paras("""
亲爱的白衣战士们：
这些天，你们穿着厚重的防护服，在病房里一待就是七八个小时。护目镜勒出的压痕、被汗水泡白的双手，我们都看在眼里。
从2月12日起，江洲市精神卫生中心开通“医护心理援助专线”，由20名心理治疗师和精神科医生组成的团队24小时值守，专门为全市抗疫一线医务人员及其家属提供心理疏导服务。
如果你出现以下情况，请不要硬扛：连续几天失眠、早醒；莫名烦躁，或者对什么都提不起兴趣；反复回想病房里的画面；总担心自己被感染、传染给家人。
援助方式：拨打专线电话，或扫描文末二维码预约视频咨询。所有咨询严格保密，不记录姓名和单位。
我们还为各定点医院准备了“减压包”：一套正念呼吸音频、一本睡眠指导手册，由志愿者送到医护人员的休息驻地。
你们守护大家，我们守护你们。
"""),
)

FAMILY_SUPPORT: Story = dict(
    title="一线医护人员子女可享免费线上辅导 家中老人有专人上门照料",
    date="2020-02-20 16:45",
    iso="2020-02-20T16:45:00+08:00",
    source="海澄日报",
    author="邓佳琪",
    editor="何雨",
    channel="本地新闻",
    url="http://www.haicheng-news.example/content/2020-02/20/content_8812034.htm",
    paras=paras("""
海澄新闻网讯（记者 邓佳琪）“孩子的网课有老师专门辅导，家里老人有社区志愿者上门照看，我在病房里终于能安心了。”2月19日，市人民医院呼吸科护士周敏在电话里对记者说。
为解除抗疫一线医务人员的后顾之忧，海澄市近日出台关爱一线医务人员家属的十项措施。市教育局组织200余名骨干教师，为一线医护人员的中小学子女提供“一对一”免费线上学业辅导；各街道社区为家中老人、孩子无人照顾的医护家庭建立台账，安排网格员和志愿者定期上门，帮助买菜送药、代办事务。
措施还明确，一线医务人员家属就医开通绿色通道，家中遇到突发困难可拨打24小时服务热线，由专人协调解决。
截至目前，全市已登记需要帮扶的医护家庭836户，累计上门服务2100余次。
"""),
)

_SUBSIDY_BODY = paras("""
记者2月10日从临川省人力资源和社会保障厅、财政厅获悉，全省将为参与新冠肺炎疫情防治的一线医务人员和防疫工作者发放临时性工作补助，所需资金由财政全额保障。
根据通知，直接接触待排查病例或确诊病例、诊查治疗、标本采集和病原检测的一线人员，补助标准为每人每天300元；参与疫情防控的其他医务人员和防疫工作者，每人每天200元。补助按实际工作天数计算，按月发放，不计入绩效工资总量。
通知同时明确，医护及相关工作人员在新冠肺炎预防和救治工作中感染或因感染死亡的，应认定为工伤，依法享受工伤保险待遇。对因履行工作职责感染的医务人员，医疗费用由医保和财政兜底，不让个人承担。
此外，各医疗机构在职称评聘时，将向参与疫情防控的一线医务人员倾斜，其一线工作经历视同基层工作经历。
临川省人社厅有关负责人表示，各地要在3个工作日内完成人员核定，确保补助及时足额发放到位，绝不允许截留、挪用。
""")

SUBSIDY_A1: Story = dict(
    title="临川省为抗疫一线医务人员发放临时性工作补助",
    subtitle="",
    date="2020年02月11日07:52",
    iso="2020-02-11T07:52:00+08:00",
    source="华夏日报",
    author="记者 高志成",
    editor="任佳、马骁",
    channel="社会频道",
    url="http://society.huaxia-daily.example/n1/2020/0211/c1008-31581234.html",
    paras=_SUBSIDY_BODY,
)

SUBSIDY_A2: Story = dict(
    title="每人每天最高300元！临川省明确一线医护临时补助标准",
    date="2020年02月11日 10:17",
    iso="2020-02-11T10:17:00+08:00",
    source="华夏日报",
    author="",
    editor="刘晓东_NN6616",
    channel="国内新闻",
    url="https://news.xinlan.example/c/2020-02-11/doc-iimxyqvz1733920.shtml",
    paras=[
        "原标题：临川省为抗疫一线医务人员发放临时性工作补助",
        "记者10日从临川省人社厅、财政厅获悉，全省将为参与新冠肺炎疫情防治的一线医务人员和防疫工作者发放临时性工作补助，资金由财政全额保障。",
        *_SUBSIDY_BODY[1:3],
        _SUBSIDY_BODY[4],
        "消息发布后，不少网友留言：“这份补助，他们当之无愧。”",
    ],
)

SUBSIDY_A3: Story = dict(
    title="临川省向抗疫前线医护人员发放每日补助 感染者可认定工伤",
    date="2020年2月11日",
    iso="2020-02-11",
    source="港闻日报",
    author="",
    editor="",
    channel="中国",
    url="https://news.hkdaily.example/article/20200211/s00013/1581360000",
    paras=[
        "【本报讯】据内地媒体报道，临川省人力资源和社会保障厅、财政厅前日宣布，将为参与新冠肺炎疫情防治的一线医务人员和防疫工作者发放临时性工作补助，资金由财政全额保障。",
        *_SUBSIDY_BODY[1:4],
    ],
)

INJURY_B1: Story = dict(
    title="感染新冠的护士被认定工伤 工伤保险基金支付全部治疗费用",
    date="2020-04-09 08:15:42",
    iso="2020-04-09T08:15:42+08:00",
    source="东陵晚报",
    author="",
    editor="孟凡_NB3348",
    channel="社会",
    url="https://www.yunfan.example/news/article/F9A2KQ0H00019B3E.html",
    paras=paras("""
4月8日，东陵区人力资源和社会保障局向区人民医院护士杨晓雯送达了工伤认定决定书。今年1月底，杨晓雯在发热门诊工作期间感染新冠肺炎，经治疗后已康复出院。这是该区认定的首例医务人员新冠肺炎工伤。
区人社局工伤保险科负责人介绍，为让感染的医务人员尽快享受待遇，区里开辟了“绿色通道”，医院提交申请后，工作人员当天上门核实材料，将认定时限从法定的60日压缩到5个工作日。
根据规定，杨晓雯住院期间的医疗费用由工伤保险基金全额支付，停工留薪期内原工资福利待遇不变。经劳动能力鉴定后，她还可按规定领取相应的伤残补助金。
“本来还担心会影响工作，现在心里踏实了。”杨晓雯说，她计划休养结束后重新回到发热门诊岗位。
"""),
)

BASKETBALL: Story = dict(
    title="江洲猛虎主场逆转海澄飞鹰 外援末节独得17分",
    date="2023年12月02日 22:31",
    iso="2023-12-02T22:31:00+08:00",
    source="新澜体育",
    author="",
    editor="吴凯",
    channel="体育",
    url="https://sports.xinlan.example/basketball/2023-12-02/doc-imzwefrt3847712.shtml",
    paras=paras("""
新澜体育讯 12月2日晚，职业篮球联赛第十二轮继续进行。江洲猛虎队坐镇主场，在一度落后15分的情况下完成逆转，以108比101击败海澄飞鹰队，取得三连胜。
首节比赛，飞鹰队外线手感火热，连续命中三分球，以31比18领先。次节猛虎队加强防守强度，将分差缩小到7分。下半场，猛虎队外援控卫马库斯接管比赛，末节独得17分，其中包括两记关键三分。
全场比赛，马库斯拿下38分7次助攻，本土中锋韩磊贡献16分12个篮板。飞鹰队方面，有五人得分上双，但最后五分钟仅得4分。
赛后，猛虎队主教练表示，球队在落后时没有放弃，防守是逆转的关键。下一轮，猛虎队将客场挑战积分榜首的北岭雄鹰队。
"""),
)

ECONOMY: Story = dict(
    title="江洲前三季度地区生产总值增长6.5% 消费市场稳中有升",
    date="2019-10-25 16:08:12",
    iso="2019-10-25T16:08:12+08:00",
    source="江洲日报",
    author="",
    editor="郑玮_NF8812",
    channel="财经",
    url="https://www.yunfan.example/money/article/ERB5TQ2K00259DLP.html",
    paras=paras("""
记者从江洲市统计局获悉，初步核算，前三季度全市实现地区生产总值4862.3亿元，按可比价格计算，同比增长6.5%，增速比上半年加快0.2个百分点。
分产业看，第一产业增加值增长3.1%，第二产业增加值增长6.0%，第三产业增加值增长7.2%。规模以上工业中，电子信息、装备制造和新材料三大产业合计增长9.8%，对全市工业增长的贡献率超过六成。
消费市场稳中有升。前三季度，全市社会消费品零售总额1920.6亿元，增长8.1%。其中，通过网络实现的商品零售额增长21.4%，汽车类零售额由降转增。
市统计局有关负责人表示，全市经济运行总体平稳，但外部环境不确定性仍然较多，四季度要继续扩大有效投资，促进消费提质升级。
"""),
)

PHONE: Story = dict(
    title="星河科技发布新一代折叠屏手机 主打轻薄与长续航",
    date="2024-03-20 20:15",
    iso="2024-03-20T20:15:00+08:00",
    source="腾云科技",
    author="周子航",
    editor="许诺",
    channel="科技",
    url="https://new.tengyun.example/rain/a/20240320A09XYZ00",
    paras=paras("""
3月20日晚，星河科技在江洲举行新品发布会，推出新一代折叠屏手机Nova Fold 3。新机折叠状态下厚度为9.9毫米，重量仅229克，是该公司迄今最轻薄的折叠屏产品。
续航方面，新机内置5100毫安时硅碳负极电池，支持80瓦有线快充和50瓦无线快充。星河科技表示，得益于自研的电源管理芯片，新机在重度使用下可坚持一天半。
屏幕方面，内屏采用7.8英寸柔性屏，铰链经过重新设计，官方称可承受50万次折叠，折痕肉眼几乎不可见。影像系统由5000万像素主摄、超广角和潜望式长焦镜头组成。
价格方面，新机12GB+256GB版本售价6999元，3月28日起正式开售。业内分析认为，折叠屏手机正在从“尝鲜”走向“普及”，今年国内市场出货量有望继续保持较快增长。
"""),
)

ROBOT_SURGERY: Story = dict(
    title="我院成功完成首例机器人辅助胸腔镜肺叶切除手术",
    date="2022-11-08 17:42:10",
    iso="2022-11-08T17:42:10+08:00",
    source="胸外科",
    author="钱毅",
    editor="宣传科",
    channel="医院新闻",
    url="http://www.jzfirsthospital.example/yyxw/2022-11/08/content_4410.html",
    paras=paras("""
11月7日，我院胸外科团队在手术机器人辅助下，为一名62岁的肺部结节患者成功实施胸腔镜下右肺上叶切除术。这是我院开展的首例机器人辅助胸外科手术，标志着我院微创外科技术迈上新台阶。
患者入院检查发现右肺上叶有一枚约2厘米的混合磨玻璃结节，经多学科会诊后决定手术治疗。手术由胸外科主任杨振华主刀，在机器人系统的三维高清视野下，术者操控机械臂精准分离血管和支气管，手术历时两个半小时，出血量不足50毫升。
术后第二天，患者即可下床活动，目前恢复良好，预计近日出院。杨振华介绍，与传统胸腔镜手术相比，机器人手术视野更清晰、操作更精细，尤其适合解剖结构复杂的病例，能够减少创伤、加快康复。
据悉，我院今年引进手术机器人系统后，已先后在泌尿外科、普外科开展相关手术40余例。下一步，医院将逐步把机器人手术推广到更多科室，让患者在家门口享受到高水平的医疗服务。
"""),
)

TYPHOON: Story = dict(
    title="台风白鹭明晨最接近 北部东部防豪雨",
    date="2023/07/27 05:30",
    iso="2023-07-27T05:30:00+08:00",
    source="民声新闻网",
    author="陈建宏",
    editor="",
    channel="生活",
    url="https://news.minsheng.example.tw/news/life/breakingnews/4380221",
    paras=paras("""
〔记者陈建宏／台北报导〕轻度台风白鹭持续朝西北西方向移动，气象署表示，暴风圈预计明天清晨最接近台湾东北部海面，虽然登陆机率不高，但外围环流将为北部及东部带来豪雨。
气象署指出，今天白天起，基隆北海岸、大台北山区及宜兰地区要留意局部豪雨，东半部沿海则有长浪发生的机会，民众应避免前往海边从事活动。
预报员表示，白鹭离开后，太平洋高压增强，下周起各地天气转为晴朗炎热，午后仍有局部雷阵雨，高温可达36度，民众外出应注意防晒并补充水分。
"""),
)

SCHOOL_PLACES: Story = dict(
    title="新学期江洲新增中小学学位1.2万个",
    date="2024-09-01 11:05:20",
    iso="2024-09-01T11:05:20+08:00",
    source="新华视讯",
    author="钟晴",
    editor="黄 河",
    channel="教育",
    url="http://www.xhsx-news.example/edu/2024-09/01/c_1130198877.htm",
    paras=paras("""
本网江洲9月1日电（记者 钟晴）9月1日，江洲市中小学迎来新学期。记者从江洲市教育局了解到，今年全市新建、改扩建中小学校18所，新增学位1.2万个，城区“大班额”问题基本消除。
在东陵区新投用的滨江实验小学，崭新的教学楼里配备了科学实验室、创客空间和室内体育馆。校长表示，学校今年招收一年级新生360名，全部实行小班化教学。
江洲市教育局有关负责人介绍，今年秋季学期，全市继续推行课后服务“一校一案”，开设体育、艺术、科普等兴趣课程，课后服务覆盖率达到100%。
"""),
)

NIGHT_MEAL: Story = dict(
    title="青禾县为夜班医护人员提供免费夜宵",
    subtitle="",
    date="2021年12月03日16:20",
    iso="2021-12-03T16:20:00+08:00",
    source="江洲日报",
    author="",
    editor="苏蔓",
    channel="地方频道",
    url="http://local.huaxia-daily.example/n1/2021/1203/c2280-32298812.html",
    paras=paras("""
本报讯 从12月1日起，青禾县人民医院、县中医院和县妇幼保健院为夜班医护人员免费提供夜宵，每晚11点由医院食堂配送到各病区，全县约400名夜班医务人员受益。
县卫生健康局表示，此举所需经费由医院从职工福利经费中列支，下一步还将改造夜班值班室，配齐空调、热水和独立卫生间，让医护人员夜班期间能吃好、歇好。
"""),
    long_related=True,
)

VILLAGE_PENSION: Story = dict(
    title="云岭县提高老年乡村医生生活补助 每人每月最高发放800元",
    date="2019-12-24 09:12",
    iso="2019-12-24T09:12:00+08:00",
    source="云岭县融媒体中心",
    author="杜晓蕾",
    editor="罗成",
    channel="民生",
    url="http://www.yunling.example/news/msxw/2019-12-24/17702.html",
    paras=paras("""
近日，云岭县出台老年乡村医生生活补助调整办法，从2020年1月起，提高已离岗老年乡村医生的生活补助标准。
按照新办法，在村卫生室连续从业满10年不满20年的，每人每月补助400元；满20年不满30年的，每月600元；满30年及以上的，每月800元。补助资金由县财政统筹安排，按季度直接发放到个人银行账户。
今年72岁的赵德明在山里当了41年“赤脚医生”，背着药箱走遍了全村的每一条山路。“年轻时一心想着给乡亲看病，没想到老了政府还惦记着我们。”拿到调整通知后，老人很是感慨。
县卫生健康局负责人介绍，全县目前共有离岗老年乡村医生213人，调整后每年将增加财政支出约60万元。同时，县里将为在岗乡村医生统一购买养老保险，解决他们的后顾之忧。
"""),
)

CDC_OVERTIME: Story = dict(
    title="疾控人员加班补贴能否落实？江洲出台疾控机构绩效工资新政",
    date="2022-12-20 18:36",
    iso="2022-12-20T18:36:00+08:00",
    source="江洲晚报",
    author="范宁",
    editor="秦川",
    channel="社会",
    url="https://new.tengyun.example/rain/a/20221220A07MNB00",
    paras=paras("""
近三年来，疾控人员常年处于高强度工作状态，流调、采样、消杀，加班加点几乎成了常态。然而，不少基层疾控人员反映，加班补贴迟迟不能兑现，绩效工资多年未调整。
12月19日，江洲市人社局、财政局、卫健委联合印发《关于完善疾病预防控制机构绩效工资政策的通知》，明确从2023年起，全市疾控机构绩效工资总量在现有基础上提高20%，并单列应急处置加班补助，不纳入绩效工资总量。
通知要求，疾控人员参与突发公共卫生事件处置超出正常工作时间的，按实际加班时长发放加班补助；连续参加处置工作超过14天的，应安排不少于7天的轮休。
市疾控中心一位工作了十年的流调队员说，过去一年她有近200天在加班，“钱是一方面，能轮休喘口气更重要”。
"""),
    comments=[
        ("江洲网友 小橘子", "希望真能落实，别又是一纸空文。"),
        ("海澄网友 老李头", "基层疾控真的太累了，支持！"),
        ("手机用户7823", "我们县里去年的补贴到现在还没发……"),
    ],
)


# ---------------------------------------------------------------------------------------------
# Text dumps (as scrapers save them) and JSONL items
# ---------------------------------------------------------------------------------------------

DUMP_CHARITY_TRAD = """暖心基金会护士节送关爱 千份“护心礼包”走进基层医院

2021/05/12 10:15公益新报 暖心基金会

  5月12日是国际护士节,今年的主题是“护士:引领之声”。这一天,暖心基金会联合多家爱心企业发起的“守护白衣天使”行动在江洲、海澄、临川等地同步开展。

  护士是医疗卫生队伍中人数最多的群体。长期以来,她们承担着繁重的护理任务,三班倒、加班加点是家常便饭,许多人落下了颈椎病、腰肌劳损等职业病。

  今年护士节,暖心基金会向30家县级医院和乡镇卫生院的一线护士送出1000份“护心礼包”,礼包内有护腰、护手霜和保温杯,还为工作满二十年的护士提供免费的专项体检。

  基金会负责人表示,希望通过这份小小的礼物,传递社会对护理工作者的敬意,也呼吁更多爱心企业关注护士的身心健康,让她们在照护别人的同时,也被温柔以待。

  活动现场,海澄市一家乡镇卫生院的护士长感慨地说:“收到礼物很开心,更开心的是大家记得这个节日,记得我们。”

网站编辑:
"""

DUMP_UNION_REST = """暖心!江洲市总工会为医务职工建成40个工间休息室
来源:江洲日报 发布时间:2023-03-15 09:40:12


(资料图片仅供参考)

记者从江洲市总工会获悉,今年以来,市总工会投入专项经费200万元,在全市二级以上医院建成医务职工工间休息室40个,为长期值班、连续手术的医护人员提供小憩的地方。

走进市第二人民医院手术室旁的休息室,沙发、按摩椅、冰箱、微波炉一应俱全,墙上还挂着职工自己画的画。“以前做完一台大手术,只能在更衣室的长凳上靠一会儿,现在有了专门的休息室,能躺下来歇歇,还能热一热饭。”麻醉科医生许文斌说。

市总工会相关负责人介绍,休息室建设坚持“职工需要什么就配什么”,事前通过问卷征求了3000多名医务职工的意见。下一步,市总工会还将组织医务职工分批参加疗休养活动,并把医务职工纳入“职工心理关爱计划”,提供免费心理咨询服务。

据了解,今年市总工会服务职工实事项目中,关心关爱医务职工的项目占了三项,包括建设工间休息室、开展职工健康体检和设立困难医务职工帮扶基金。

相关推荐

江洲地铁5号线今日开通运营 沿途设站18座

江洲地铁5号线今日开通运营 沿途设站18座

今天上午,江洲地铁5号线正式开通初期运营,线路全长26公里,设站18座,贯穿城市南北更多

2023-03-15 09:21:05
春季花展开幕 城市公园百花争艳

春季花展开幕 城市公园百花争艳

第十届江洲春季花展今日在滨江公园开幕,展出各类花卉200余种,将持续到4月中旬更多

2023-03-15 09:02:47
青禾县举办春季招聘会 提供岗位4500个

青禾县举办春季招聘会 提供岗位4500个

本次招聘会共吸引120家企业参加,涉及制造、物流、电商等多个行业,现场达成意向更多

2023-03-15 08:48:30

© 2015-2023 江城资讯网 版权所有 关于我们

网站联系邮箱:news@jiangcheng-info.example

浙ICP备2021034567号-2
"""

DUMP_TELEMEDICINE_HEAD = """职工之家网>>职工服务

江洲市总工会联合互联网医院开通“云诊室”,让一线职工足不出户看专家——

家门口的“医生朋友”上线了

宋雨桐

2022年10月18日09:12  来源:《职工时报》

“以前请假去城里看病要一整天,现在手机上就能问医生。”近日,在青禾县工业园区一家纺织厂上班的职工李桂芳,通过市总工会开通的“职工云诊室”,给正在发烧的孩子咨询了儿科医生。

据介绍,今年8月以来,江洲市总工会联合一家拥有互联网医院资质的专业机构,为全市产业工人、环卫工人、快递员和基层医务职工提供远程视频问诊服务,覆盖职工及家属超过8万人。

职工通过手机扫码登录后,可以随时呼叫全科医生视频问诊,还能预约三甲医院专家会诊、获取用药指导。对需要线下就医的职工,平台提供就近医院的预约挂号和检查绿色通道。

值得一提的是,“云诊室”把乡镇卫生院的医务职工也纳入服务范围。青禾县一家卫生院的护士说,基层医务人员平时忙着照顾病人,自己身体不舒服却顾不上看,“现在下了夜班躺在床上就能问专家”。

市总工会有关负责人表示,下一步将每月开展两次健康讲座直播,并在重点园区设立职工健康服务站,把健康服务送到职工身边。

(责编:王晨、孟洁)
"""

SEO_PLACES = (
    "首页| 新闻| 青禾县| 云岭县| 临川区| 东陵区| 海澄市| 北岭镇| 江洲市| 收藏| 南屏县| 石桥镇|"
    " 滨江区| 长乐县| 白沙镇| 安平县| 西塘镇| 丰乐县| 望海区| 龙湾镇|\n"
)

DUMP_ESSAYS = """关爱医务人员心得体会范文(精选5篇)

格式:DOC 上传日期:2020-03-06 11:20:45
关爱医务人员心得体会范文(精选5篇)
时间:2020-03-06 11:20:45     小编:云朵

心得体会是我们在学习、工作中有所感悟后写下的文字。为了帮助大家写好心得体会,小编精心整理了几篇范文,供大家参考借鉴。

关爱医务人员心得体会篇一

这个春天,无数医务人员告别家人,奔赴抗疫一线。他们穿着密不透风的防护服连续工作,脸上被口罩勒出深深的印痕。作为一名普通人,我深深感到,关爱医务人员不能只停留在口头上。

近来,各地陆续出台了关心关爱医务人员的具体措施:发放临时性工作补助,提高卫生防疫津贴标准;科学安排轮休,保障必要的休息时间;为一线人员的子女提供学习辅导,为家中老人提供生活照料;开通心理援助热线,帮助医务人员疏解压力。这些措施实实在在,解决了他们的后顾之忧。

关爱医务人员心得体会篇二

医务人员也是普通人,也是父母的孩子、孩子的父母。他们承受着巨大的工作压力和心理压力,需要全社会的理解和支持。我们能做的,就是做好个人防护,少给他们添麻烦;在就医时多一分理解,少一分抱怨。

【本文地址:http://www.fanwen-example.cn/xinde/1187702.html】

全文阅读已结束,如果需要下载本文请点击

下载此文档
"""

DUMP_MARATHON = """2024江洲马拉松鸣枪开跑 三万名跑者穿越老城
2024-04-14 08:05 来源:江洲体育 作者:韩雪

4月14日7时30分,2024江洲马拉松在市民广场鸣枪开跑。来自国内外的3万名跑者参加了全程马拉松、半程马拉松和健康跑三个项目的比赛。

今年的赛道经过重新设计,途经千年古城墙、滨江风光带和老城历史街区,被跑友们称为“最美城市赛道”。沿途设置了25个补给站和30个文艺表演点,不少市民自发在路边为选手加油。

经过激烈角逐,男子全程冠军以2小时11分08秒的成绩冲过终点,刷新了赛事纪录;女子全程冠军的成绩为2小时28分31秒。

赛事组委会表示,比赛期间共有1200名志愿者提供服务,医疗保障团队全程待命,比赛顺利进行。

热门文章

江洲猛虎主场逆转海澄飞鹰
城市绿道再添新线 总长突破500公里
青少年足球联赛开赛 128支队伍参赛

Copyright © 2024 江洲体育网 All Rights Reserved
"""

DUMP_INJURY_B2 = """首例!东陵区一护士获认定工伤 治疗费用全部由基金支付
发布时间:2020-04-09 14:30  来源:东陵晚报

4月8日,东陵区人社局向区人民医院护士杨晓雯送达了工伤认定决定书。今年1月底,杨晓雯在发热门诊工作期间感染新冠肺炎,经治疗后已康复出院。这是该区认定的首例医务人员新冠肺炎工伤。

区人社局工伤保险科负责人介绍,为让感染的医务人员尽快享受待遇,区里开辟了“绿色通道”,医院提交申请后,工作人员当天上门核实材料,将认定时限从法定的60日压缩到5个工作日。

根据规定,杨晓雯住院期间的医疗费用由工伤保险基金全额支付,停工留薪期内原工资福利待遇不变。经劳动能力鉴定后,她还可按规定领取相应的伤残补助金。

“本来还担心会影响工作,现在心里踏实了。”杨晓雯说。

责任编辑:孟凡

上一篇:东陵区启动春季植树活动
下一篇:区图书馆恢复开放 实行预约入馆

扫一扫 分享到微信

东陵新闻网 版权所有 未经授权禁止转载 苏ICP备18012345号
"""

DUMP_VIOLENCE = """服务群众

我们一直在努力
当前位置:首页 > 社会 > 法治 >

持刀伤医者被判有期徒刑十年 法院:医疗场所不是法外之地

日期:2019-08-10 来源:法治江洲 编辑:法治江洲

     8月9日,江洲市中级人民法院对一起伤医案作出二审宣判,维持原判,以故意伤害罪判处被告人刘某有期徒刑十年。

  法院审理查明,去年11月,刘某因对其父亲的治疗效果不满,携带水果刀到市某医院骨科医生办公室,将正在值班的主治医师孙某刺伤,致其重伤二级。案发后,孙某经抢救脱离生命危险,但右手神经受损,至今无法重返手术台。

  法院认为,刘某因医疗纠纷故意伤害医务人员,手段恶劣,后果严重,应依法惩处。医疗机构是救死扶伤的场所,不是法外之地,任何人都不得以任何理由侵害医务人员的人身安全。

  案件宣判后,市卫生健康委表示,将督促各医疗机构进一步完善安保措施,配齐安保人员和安检设备,保障医务人员执业安全。受伤医生所在医院已为其申请工伤认定,并安排专人照顾其生活。

热门文章

最新文章

  • 夏季用电高峰来临 电力部门提醒安全用电

  • 入夏以来,全市用电负荷持续攀升,电力部门提醒市民合理设置空调温度,注意用电安全。
  • 眼睛干涩怎么办?专家教你几招

  • 长时间盯着手机电脑,眼睛干涩、疲劳怎么办?眼科专家给出了实用建议。
"""

DUMP_TRADE = """一季度江洲外贸进出口总值同比增长8.2%
2023-04-20 15:33   来源:江洲商报

记者从江洲海关获悉,今年一季度,江洲市货物贸易进出口总值1268.5亿元,同比增长8.2%。其中,出口812.3亿元,增长10.6%;进口456.2亿元,增长4.1%。

从贸易方式看,一般贸易进出口占全市外贸总值的64.3%,比重提升2.1个百分点。从商品看,机电产品出口增长12.8%,其中电动汽车、锂电池和太阳能电池“新三样”合计出口增长近七成。

江洲海关相关负责人表示,将持续优化通关流程,帮助企业稳订单、拓市场。

相关新闻
江洲港集装箱吞吐量创同期新高
跨境电商综试区新增企业300家

江洲| 青禾| 云岭| 临川| 东陵| 海澄| 北岭| 南屏| 滨江| 长乐| 安平| 丰乐| 望海| 龙湾|
"""

DUMP_OVERTIME = """护士长谈加班:每月加班60小时成常态 医院推行弹性排班
2021-07-22 来源:健康时讯 作者:文/唐诗雨

“病区38张床,夜班只有两个护士,忙起来连喝口水的时间都没有。”在海澄市一家三甲医院工作了15年的护士长何静说,过去一年,科室护士平均每月加班60小时左右。

{MOJIBAKE}

为缓解护士加班问题,这家医院从今年7月起推行弹性排班:根据病区收治高峰动态调配人员,高峰时段增加一名机动护士;加班时长可折算调休,半年内必须休完;连续上夜班不得超过3个。

医院护理部主任表示,下一步还将通过公开招聘补充护士80名,力争年底前把病区床护比提高到1:0.5以上。

(本文来源:健康时讯 如有侵权请联系删除)
"""

OVERTIME_GARBLED = "记者在多家医院采访了解到，护士加班多、调休难的问题较为普遍，一些年轻护士因此萌生去意。"

DUMP_HK_ASSAULT = """急症室护士遭病人家属袭击 医护工会促加强保安
2024年1月16日 星期二
【本报讯】一间公立医院急症室前晚发生袭击事件，一名男子不满其父亲候诊时间过长，在分流站内推撞并掌掴一名女护士，导致护士面部及手臂受伤。保安员及同事随即上前制止，男子其后被警方拘捕。

医院发言人表示，对事件深表遗憾，并强烈谴责任何暴力行为。受伤护士已接受治疗，医院会为她提供所需支援，包括心理辅导及安排休假。

有医护工会批评，近年急症室暴力事件时有发生，前线人员每日都承受极大压力。工会要求医院管理局在急症室增派保安员，增设闭路电视及紧急求助按钮，并检讨候诊安排，保障前线医护人员的人身安全。

工会亦促请当局修例，加重袭击医护人员的刑罚，以收阻吓作用。

相关新闻：
急症室轮候时间创新高
流感高峰期将至 医管局增加病床

版权所有 不得转载
"""

WEIBO: list[dict[str, str]] = [
    {
        "id": "wb-20200125-01",
        "title": "",
        "url": "https://weibo.example/1928374650/IqR2kLm8a",
        "date": "2020-01-25 21:14",
        "text": "#致敬医护人员# 今晚除夕，路过市一院门口，看到一家饺子馆的老板开着三轮车给值班的医生护士送来两百份热腾腾的饺子，说是“你们守着病人，我们守着你们”。老板还说从明天开始，医护人员凭工作证到店吃饭一律免单。真的好暖[心]…展开全文",
    },
    {
        "id": "wb-20200205-02",
        "title": "",
        "url": "https://weibo.example/2739401186/IsW9pQa0c",
        "date": "2020-02-05 08:31",
        "text": "转发支持！//@江洲交警:接力！医护人员下夜班打不到车可拨打热线，我们安排警车接送。//@江洲发布:【一线医护人员免费乘坐公交地铁】即日起至疫情结束，全市一线医务人员凭工作证可免费乘坐公交、地铁，出租车公司也组建了200辆爱心车队，为医护人员提供免费接送服务。#江洲战疫#",
    },
    {
        "id": "wb-20210608-03",
        "title": "",
        "url": "https://weibo.example/5520017348/Kj8TzXy1b",
        "date": "2021-06-08 13:02",
        "text": "【#医生连续值班30小时后晕倒#】\u200b6月7日，海澄一医院一名外科医生在连续值班30多个小时后晕倒在手术室门口，\u200b经抢救已无大碍。\u200b该院回应称，将立即调整排班，严格执行值班后休息制度，\u200b连续工作不得超过24小时。网友：医生的休息权也要保障！\u200b",
    },
    {
        "id": "wb-20220306-04",
        "title": "",
        "url": "https://weibo.example/3381920044/LkD2mNo8e",
        "date": "2022-03-06 12:40",
        "text": "#江洲美食# 周末终于打卡了老城区这家开了三十年的牛肉面，汤头是真的香，牛肉给得也多，就是排队排了四十分钟😂 推荐加一份卤蛋！[馋嘴]",
    },
    {
        "id": "wb-20230819-05",
        "title": "",
        "url": "https://weibo.example/6012883310/NdE5fGh2k",
        "date": "2023-08-19 07:00",
        "text": "#中国医师节# 致敬！向所有医生说一声辛苦了！🙏🙏 你们是最可爱的人！[赞][赞]",
    },
    {
        "id": "wb-20190512-06",
        "title": "",
        "url": "https://weibo.example/1740028861/HqA1bCd3e",
        "date": "2019-05-12 17:25",
        "text": "#512国际护士节# 今天，江洲市第一人民医院为42名护龄满30年的护士颁发“三十年护龄纪念章”，并评选表彰了20名“优秀护士”。最年长的获奖护士已经在儿科病房工作了33年，她说最大的心愿是…展开全文",
    },
]

CCTV: list[dict[str, str]] = [
    {
        "id": "cctv-20200315-01",
        "title": "多措并举关心关爱一线医务人员",
        "url": "https://tv.cctv.example/2020/03/15/VIDEmkq3Zs1200315.shtml",
        "date": "2020-03-15",
        "text": "央视网消息（新闻联播）：记者今天（3月15日）从国家卫生健康委了解到，各地正在抓紧落实关心关爱一线医务人员的各项措施。目前，一线医务人员临时性工作补助已按月发放到位，卫生防疫津贴标准提高一倍。\n各地普遍建立了一线医务人员轮休制度，合理安排轮换休整，防止过度疲劳。同时，组建心理干预专家队伍，为医务人员提供心理疏导服务。\n对于在疫情防控中感染的医务人员，各地开通工伤认定绿色通道，确保应保尽保。",
    },
    {
        "id": "cctv-20220819-02",
        "title": "今天是第五个中国医师节",
        "url": "https://tv.cctv.example/2022/08/19/VIDEpWd8Hn0220819.shtml",
        "date": "2022-08-19",
        "text": "央视网消息（新闻联播）：今天是第五个中国医师节。各地通过举办座谈会、表彰先进等形式，向广大医师致以节日问候。\n今年，各地共评选表彰优秀医师和优秀乡村医生一万余名，并在职称晋升、疗休养等方面给予倾斜。不少医院为医师安排了节日调休，组织免费健康体检。",
    },
    {
        "id": "cctv-20210714-03",
        "title": "夏粮再获丰收",
        "url": "https://tv.cctv.example/2021/07/14/VIDEaB3Kx9a210714.shtml",
        "date": "2021-07-14",
        "text": "央视网消息（新闻联播）：记者从有关部门了解到，今年我国夏粮再获丰收，产量比上年有所增加，小麦品质稳中向好。\n各地抓住晴好天气抢收抢晒，夏粮收购工作有序推进，种粮农民收益总体稳定。",
    },
    {
        "id": "cctv-20200209-04",
        "title": "多支医疗队驰援武汉",
        "url": "https://tv.cctv.example/2020/02/09/VIDEn2Ls8Pq200209.shtml",
        "date": "2020-02-09",
        "text": "央视网消息（新闻联播）：今天，又有多支医疗队从全国各地出发，驰援武汉。抵达后，医疗队员们迅速完成培训，进驻定点医院和方舱医院，投入到患者救治工作中。\n医疗队整建制接管了多个重症病区，开展危重症患者的集中救治。",
    },
    {
        "id": "cctv-20210120-05",
        "title": "基层卫生人才队伍建设持续加强",
        "url": "https://tv.cctv.example/2021/01/20/VIDEr7Tz2Uv210120.shtml",
        "date": "2021-01-20",
        "text": "央视网消息（新闻联播）：记者从国家卫生健康委获悉，我国基层卫生人才队伍建设持续加强。基层卫生专业技术人员职称评审实行单独分组、单独评审，更加注重实际工作业绩。\n各地还通过定向培养、提高待遇等方式，引导医学毕业生到基层工作，乡村医生的养老保障也逐步完善。\n更多精彩内容，请关注央视新闻客户端",
    },
]


# ---------------------------------------------------------------------------------------------
# Site families: each function renders one story as a whole page of that (invented) site
# ---------------------------------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def trad_story(story: Story, conv: Callable[[str], str]) -> Story:
    """A copy of ``story`` with every string (and list of strings) converted by ``conv``."""

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return value if value.startswith("http") else conv(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, tuple):
            return tuple(walk(v) for v in value)
        return value

    return {key: walk(value) for key, value in story.items()}


def meta_charset(charset: str | None, style: str = "http-equiv") -> str:
    """The page's charset declaration (or none at all)."""
    if charset is None:
        return ""
    if style == "html5":
        return f'<meta charset="{charset}">'
    return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />'


def table_html(rows: list[list[str]]) -> str:
    head, *body = rows
    out = ['<table border="1" cellspacing="0" cellpadding="4" align="center" width="90%">',
           "<tbody>", "<tr>" + "".join(f'<td align="center"><strong>{esc(c)}</strong></td>' for c in head) + "</tr>"]
    out += ["<tr>" + "".join(f'<td align="center">{esc(c)}</td>' for c in row) + "</tr>" for row in body]
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def body_ps(story: Story, p_open: str = "<p>") -> str:
    """The story's paragraphs as ``<p>`` elements (``{TABLE}`` becomes the story's table)."""
    out = []
    for para in story["paras"]:
        if para == "{TABLE}":
            out.append(table_html(story["table"]))
        else:
            out.append(f"{p_open}{esc(para)}</p>")
    return "\n".join(out)


def li_links(titles: list[str], base: str, with_dates: bool = False) -> str:
    rows = []
    for i, title in enumerate(titles):
        date = f'<span class="date">{(i % 27) + 1:02d}-{(i * 7) % 24:02d}</span>' if with_dates else ""
        rows.append(f'<li><a href="{base}{4000 + i * 37}.html" target="_blank">{esc(title)}</a>{date}</li>')
    return "\n".join(rows)


RELATED_CN = [
    "国家卫健委：进一步加强医疗机构安全防范工作",
    "三部门发文：严厉打击涉医违法犯罪",
    "全国优秀乡村医生名单公布",
    "护士节特别策划：她们的一天",
    "多地提高基层医务人员薪酬待遇",
    "医学生规培期间待遇如何保障？",
]
HOT_CN = [
    "秋冬季流感高发 专家提醒尽早接种疫苗",
    "全国铁路暑运发送旅客创历史新高",
    "多地发布高温预警 注意防暑降温",
    "新能源汽车下乡活动启动",
    "今年高校毕业生规模预计达1179万人",
    "城市更新行动：老旧小区改造提速",
    "博物馆里过暑假 研学游持续升温",
    "中秋国庆假期出行指南来了",
    "防范电信网络诈骗 这些套路要当心",
    "长江流域禁渔进入第四年",
]
MORE_RELATED_CN = [
    "青禾县：家庭医生签约服务覆盖率超八成",
    "县人民医院新住院大楼主体封顶",
    "冬季取暖安全提示",
    "青禾县举行农民丰收节庆祝活动",
    "全县中小学开展消防安全演练",
    "石桥镇：小小草莓撑起致富路",
    "县图书馆开展“书香青禾”全民阅读活动",
    "青禾县新增3条城乡公交线路",
    "县市场监管局开展食品安全专项检查",
    "全县秋冬季森林防火工作部署会召开",
    "青禾县第二届乡村运动会开幕",
    "石桥中学获评省级文明校园",
    "青禾县养老服务中心正式运营",
    "县供电公司完成农网改造工程",
    "青禾县举办退役军人专场招聘会",
]

HUAXIA_FOOTER = """<div class="footer copyright">
  <p><a href="/about/">华夏日报社概况</a> | <a href="/about/us.html">关于华夏日报网</a> | <a href="/ad/">广告服务</a> | <a href="/contact/">联系我们</a> | <a href="/help/">网站地图</a></p>
  <p>华夏日报网版权所有，未经书面授权禁止使用</p>
  <p>Copyright &copy; 1998-2024 by www.huaxia-daily.example. all rights reserved</p>
  <p><a href="#">京ICP备08012345号</a> | <a href="#">京公网安备11010502030456号</a> | 互联网新闻信息服务许可证10120170004号</p>
</div>"""


def huaxia(story: Story, charset: str | None = "GB2312", long_related: bool = False) -> str:
    """A people.cn-like national paper site: XHTML, ``rm_txt_con`` body, 48-hour ranking."""
    sub = f'<h3 class="pre">{esc(story["subtitle"])}</h3>' if story.get("subtitle") else '<h3 class="pre"></h3>'
    author = f'<p class="author">{esc(story["author"])}</p>' if story.get("author") else ""
    related = RELATED_CN + (MORE_RELATED_CN if long_related else [])
    extra = ""
    if long_related:
        extra = f"""<div class="tjyd"><h2>推荐阅读</h2><ul>
{li_links(MORE_RELATED_CN[::-1], "/n1/2021/1202/c2280-3229", True)}
</ul></div>"""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{meta_charset(charset)}
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{esc(story["title"])}--{esc(story["channel"])}--华夏日报网</title>
<meta name="keywords" content="医务人员 关心关爱" />
<meta name="description" content="{esc(story["paras"][0][:60])}" />
<meta name="publishdate" content="{story["iso"][:10]}" />
<meta name="source" content="来源：{esc(story["source"])}" />
<link rel="stylesheet" type="text/css" href="/css/2020/content.css" />
<style type="text/css">.rm_txt_con p{{line-height:2em;}} .hide{{display:none}}</style>
<script type="text/javascript" src="/js/jquery-1.12.4.min.js"></script>
<script type="text/javascript">
var _czc = _czc || []; var page_type = "article"; var nodeid = "14739";
</script>
</head>
<body>
<!-- 顶部导航 begin -->
<div class="header"><div class="w1000">
  <a href="/"><img src="/img/logo.png" alt="华夏日报网" /></a>
  <ul class="nav"><li><a href="/">首页</a></li><li><a href="/politics/">时政</a></li><li><a href="/world/">国际</a></li><li><a href="/finance/">财经</a></li><li><a href="/health/">健康</a></li><li><a href="/society/">社会</a></li><li><a href="/edu/">教育</a></li><li><a href="/video/">视频</a></li></ul>
  <div class="search"><input type="text" value="搜索" /></div>
</div></div>
<!-- 顶部导航 end -->
<div class="path w1000"><a href="/">华夏日报网</a>&gt;&gt;<a href="/{story["channel"]}/">{esc(story["channel"])}</a></div>
<div class="layout rm_txt cf">
<div class="col col-1 fl">
  {sub}
  <h1>{esc(story["title"])}</h1>
  <h4 class="sub"></h4>
  {author}
  <div class="col-1-1 fl">{story["date"]}&nbsp;&nbsp;来源：<a href="#" target="_blank">{esc(story["source"])}</a></div>
  <div class="col-1-1 fr"><a href="#" class="print">打印</a> <a href="#" class="font">字号</a></div>
  <div class="rm_txt_con cf">
{body_ps(story, '<p style="text-indent: 2em;">')}
    <div class="edit cf">(责编：{esc(story["editor"])})</div>
  </div>
  <div class="share cf"><span>分享让更多人看到</span> <a class="wx">微信</a> <a class="wb">微博</a> <a class="qq">QQ空间</a></div>
  <div class="rm_relevant cf"><h2>相关新闻</h2><ul>
{li_links(related, "/n1/2023/0818/c14739-4005")}
  </ul></div>
  {extra}
  <div class="hide" style="display:none">华夏日报网 健康 医生 护士 热点 新闻 资讯</div>
</div>
<div class="col col-2 fr">
  <div class="ad"><!-- 广告位 --><script type="text/javascript">document.write('<a href="#"><img src="/ad/300x250.jpg" /></a>');</script></div>
  <div class="ph_list"><h2>48小时点击排行</h2><ol>
{li_links(HOT_CN, "/n1/2023/0817/c1001-4004")}
  </ol></div>
</div>
</div>
{HUAXIA_FOOTER}
<script type="text/javascript">var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); hm.src = "//stat.example/hm.js"; }})();</script>
</body>
</html>
"""


def agency(story: Story) -> str:
    """A xinhuanet-like agency page: HTML5, article:published_time, split date widgets."""
    iso = story["iso"]
    year, month, day = iso[:4], iso[5:7], iso[8:10]
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(story["title"])}-新华视讯</title>
<meta property="og:title" content="{esc(story["title"])}">
<meta property="article:published_time" content="{iso}">
<meta property="article:author" content="{esc(story["author"])}">
<meta name="keywords" content="{esc(story["channel"])}">
<link rel="stylesheet" href="//static.xhsx-news.example/css/detail.css">
<script>window.__DETAIL__ = {{"channel": "{esc(story["channel"])}", "ad": true}};</script>
</head>
<body>
<header class="topbar">
  <nav><a href="/">首页</a><a href="/politics/">时政</a><a href="/local/">地方</a><a href="/health/">健康</a><a href="/edu/">教育</a><a href="/tech/">科技</a><a href="/english/">English</a></nav>
  <div class="login"><a href="#">登录</a> | <a href="#">注册</a></div>
</header>
<div class="main-content">
  <div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/{story["channel"]}/">{esc(story["channel"])}</a> &gt; 正文</div>
  <div class="head-line">
    <h1><span class="title">{esc(story["title"])}</span></h1>
    <div class="header-time left">
      <span class="year"><em>{year}</em></span><span class="day"><em>{month}</em>/<em>{day}</em></span><span class="time">{iso[11:19]}</span>
    </div>
    <div class="source">来源：{esc(story["source"])}</div>
  </div>
  <div class="main-left">
    <div id="detail">
{body_ps(story)}
    </div>
    <div class="editor">【责任编辑：{esc(story["editor"])}】</div>
    <div class="share-bar"><span>分享到：</span><a class="wechat">微信</a><a class="weibo">微博</a><span class="fontsize">【字体：大 中 小】</span></div>
    <div class="adv"><iframe src="//ad.xhsx-news.example/slot/728x90" width="728" height="90" frameborder="0"></iframe></div>
    <div class="xgyd"><h3>相关阅读</h3><ul>
{li_links(RELATED_CN[:4], "/politics/2021-03/04/c_11271")}
    </ul></div>
  </div>
  <aside class="main-right">
    <div class="hot"><h3>热门文章</h3><ul>
{li_links(HOT_CN[:6], "/hot/2021-03/c_11270")}
    </ul></div>
  </aside>
</div>
<footer class="footer">
  <div class="links"><a href="#">关于我们</a> | <a href="#">版权声明</a> | <a href="#">联系我们</a> | <a href="#">违法和不良信息举报</a></div>
  <div class="copyright">Copyright &copy; 2000-2024 XHSX-NEWS.EXAMPLE All Rights Reserved.<br>制作单位：新华视讯网 版权所有 京ICP备10210418号</div>
</footer>
<script src="//static.xhsx-news.example/js/detail.min.js"></script>
</body>
</html>
"""


XINLAN_FOOTER = """<div class="footer" id="footer">
  <p><a href="#">新澜简介</a> | <a href="#">About Xinlan</a> | <a href="#">广告服务</a> | <a href="#">联系我们</a> | <a href="#">招聘信息</a> | <a href="#">通行证注册</a> | <a href="#">产品答疑</a></p>
  <p>Copyright &copy; 1998-2024 XINLAN Corporation, All Rights Reserved</p>
  <p>新澜公司 版权所有 京ICP证000888号</p>
</div>"""


def xinlan(story: Story) -> str:
    """A sina-like portal: ``div#article``, app-download ad, comment widget, 猜你喜欢."""
    create = story["iso"].replace("T", " ")[:19]
    return f"""<!DOCTYPE html>
<!-- [ published at {create} ] -->
<html>
<head>
<meta http-equiv="Content-type" content="text/html; charset=utf-8" />
<title>{esc(story["title"])}|{esc(story["channel"])}_新澜新闻</title>
<meta name="keywords" content="{esc(story["channel"])}" />
<meta name="weibo: article:create_at" content="{create}" />
<meta property="og:type" content="news" />
<meta property="og:title" content="{esc(story["title"])}" />
<style>.article p{{font-size:16px;margin:0 0 20px;}} .ad-slot{{height:90px}}</style>
<script type="text/javascript">var ARTICLE_DATA = {{ docid: "{story["url"][-20:-6]}", channel: "news" }};</script>
</head>
<body>
<div class="top-nav"><a href="/">新澜首页</a> <a href="/news/">新闻</a> <a href="/sports/">体育</a> <a href="/finance/">财经</a> <a href="/ent/">娱乐</a> <a href="/tech/">科技</a> <a href="/blog/">博客</a> <a href="/video/">视频</a></div>
<div class="channel-path"><a href="/">新澜网</a> &gt; <a href="#">{esc(story["channel"])}</a> &gt; 正文</div>
<div class="main-content w1240">
  <h1 class="main-title">{esc(story["title"])}</h1>
  <div class="top-bar-wrap"><div class="date-source">
    <span class="date">{story["date"]}</span>
    <a href="#" class="source" target="_blank">{esc(story["source"])}</a>
  </div>
  <div class="top-bar-inner"><a class="comment-count" href="#comment">我要评论</a></div></div>
  <div class="article-content-left">
  <div class="article" id="article">
    <!-- 正文内容 begin -->
{body_ps(story)}
    <!-- 正文内容 end -->
    <p class="article-editor">责任编辑：{esc(story["editor"])} </p>
  </div>
  <div class="app-kaihu-qr"><img src="/img/app_qr.png" alt=""/><p>下载新澜新闻客户端，随时随地看新闻</p></div>
  <div class="article-bottom"><div class="share">分享到：<a>微博</a> <a>微信</a> <a>QQ空间</a></div></div>
  <div id="comment" class="comment-area"><h3>我要评论</h3><textarea placeholder="文明上网，理性发言"></textarea><p class="empty">已有<em>0</em>条评论，点击查看</p></div>
  <div class="feed-card"><h2>猜你喜欢</h2><ul>
{li_links(HOT_CN[3:9], "/c/2020-02-15/doc-iimx", True)}
  </ul></div>
  </div>
  <div class="article-content-right">
    <div class="ad-slot"><!-- ad --></div>
    <div class="top-news"><h3>新闻排行</h3><ol>
{li_links(HOT_CN[:8], "/c/2020-02-16/doc-top")}
    </ol></div>
  </div>
</div>
{XINLAN_FOOTER}
<script src="//js.xinlan.example/article/ui.js"></script>
</body>
</html>
"""


def yunfan(story: Story, charset: str | None = "gbk") -> str:
    """A 163-like portal: ``post_info`` date/source line, ``post_body``, ``ep-source`` editor."""
    return f"""<!DOCTYPE HTML>
<html id="ne_wrap">
<head>
{meta_charset(charset)}
<title>{esc(story["title"])}_云帆新闻</title>
<meta name="keywords" content="{esc(story["channel"])},云帆" />
<meta name="description" content="{esc(story["paras"][0][:70])}" />
<meta name="author" content="云帆新闻" />
<link href="//static.yunfan.example/f2e/post/css/main.css" rel="stylesheet" />
<script>var PAGE_START = new Date().getTime(); var tid = "{story["url"][-21:-5]}";</script>
</head>
<body>
<div class="N-nav-channel JS_NTES_LOG_FE"><a href="/">云帆首页</a> <a href="/news/">新闻</a> <a href="/sports/">体育</a> <a href="/money/">财经</a> <a href="/tech/">科技</a> <a href="/health/">健康</a> <a href="/auto/">汽车</a></div>
<div class="post_wrap">
<div class="post_main">
  <div class="post_crumb"><a href="/">云帆首页</a> &gt; <a href="#">{esc(story["channel"])}</a> &gt; 正文</div>
  <h1 class="post_title">{esc(story["title"])}</h1>
  <div class="post_info">
    {story["date"]}　来源: <a href="#" target="_blank">{esc(story["source"])}</a>
    <a class="post_top_tie" href="#tie">参与跟贴 <span>128</span></a>
  </div>
  <div class="post_content">
    <div class="post_body">
{body_ps(story)}
    </div>
    <div class="post_statement"><p>特别声明：以上内容（如有图片或视频亦包括在内）为自媒体平台“云帆号”用户上传并发布，本平台仅提供信息存储服务。</p></div>
    <div class="post_author">
      <a href="#"><img src="//static.yunfan.example/logo.png" alt="云帆新闻" /></a>
      本文来源：{esc(story["source"])} 责任编辑：{esc(story["editor"])}
    </div>
  </div>
  <div class="post_share">分享到：<a>易信</a> <a>微信</a> <a>QQ空间</a> <a>微博</a></div>
  <div class="tie-area" id="tie"><div class="tie-titlebar">跟贴 <span>128</span> 参与 <span>2036</span></div><div class="tie-input"><textarea>发表跟贴</textarea></div></div>
  <div class="post_recommends"><h3>相关推荐</h3><ul>
{li_links(HOT_CN[2:8], "/news/article/GKQ", True)}
  </ul></div>
</div>
<div class="post_side">
  <div class="side_ad"><!--ad 300x250--></div>
  <div class="mod_hot_rank"><h2>热点新闻</h2><ul>
{li_links(HOT_CN, "/news/article/HOT")}
  </ul></div>
</div>
</div>
<div class="N-footer"><p><a href="#">About YUNFAN</a> - <a href="#">公司简介</a> - <a href="#">联系方法</a> - <a href="#">招聘信息</a> - <a href="#">客户服务</a> - <a href="#">隐私政策</a></p>
<p>云帆公司版权所有 &copy;1997-2024 粤B2-20190123</p></div>
</body>
</html>
"""


def tengyun(story: Story, comments: bool = False) -> str:
    """A qq-like page: JSON-LD ``datePublished``, ``content-article`` body, optional comments."""
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": story["title"],
        "datePublished": story["iso"], "author": {"@type": "Person", "name": story["author"]},
        "publisher": {"@type": "Organization", "name": "腾云网"},
    }, ensure_ascii=False)
    comment_html = ""
    if story.get("comments"):
        rows = "\n".join(
            f'<li class="cmt-item"><span class="nick">{esc(n)}</span><p class="cmt-text">{esc(t)}</p><span class="like">赞 {3 + i * 11}</span></li>'
            for i, (n, t) in enumerate(story["comments"])
        )
        comment_html = f'<div class="comment-area" id="comment"><h3>热门评论</h3><ul>\n{rows}\n</ul><a class="more">查看全部评论</a></div>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<title>{esc(story["title"])}_腾云新闻</title>
<meta name="apub:time" content="{story["iso"][:10]} {story["iso"][11:16]}">
<script type="application/ld+json">{ld}</script>
<script>window.DATA = {{"article_id": "{story["url"].rsplit("/", 1)[-1]}", "media": "{esc(story["source"])}", "catalog1": "{esc(story["channel"])}"}};</script>
<style>.content-article .one-p{{margin-bottom:24px;text-align:justify}}</style>
</head>
<body>
<div id="TopNav" class="qq-top"><a href="/">腾云网首页</a> <a href="/ch/news">要闻</a> <a href="/ch/tech">科技</a> <a href="/ch/finance">财经</a> <a href="/ch/health">健康</a> <a href="/ch/sports">体育</a></div>
<div class="qq-main">
  <div class="content clearfix">
    <div class="LEFT">
      <h1>{esc(story["title"])}</h1>
      <div class="media-info"><a class="author" href="#">{esc(story["source"])}</a> <span class="time">{story["date"]}</span> <span class="from">发布于江洲</span></div>
      <div class="content-article">
{body_ps(story, '<p class="one-p">')}
        <p class="one-p" style="text-align:right">作者：{esc(story["author"])}</p>
      </div>
      <div class="content-statement">免责声明：本文内容由腾云号作者提供，不代表腾云网的观点和立场。</div>
      <div class="share-box">分享：<a>微信</a><a>朋友圈</a><a>QQ</a><a>微博</a></div>
      {comment_html}
      <div class="recommend"><h3>猜你喜欢</h3><ul>
{li_links(HOT_CN[1:7], "/rain/a/2024031", True)}
      </ul></div>
    </div>
    <div class="RIGHT"><div class="adbox" style="display:none">广告</div><div class="hotnews"><h3>24小时热文</h3><ul>
{li_links(HOT_CN[4:], "/rain/a/hot")}
    </ul></div></div>
  </div>
</div>
<div class="foot">Copyright &copy; 1998 - 2024 Tengyun. All Rights Reserved<br>腾云公司 版权所有 | 粤网文〔2023〕1234-056号 | 粤ICP备05012345号</div>
</body>
</html>
"""


def hospital(story: Story) -> str:
    """A hospital website: TRS_Editor body, 发布时间/来源/作者/浏览次数 line, print/close links."""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{esc(story["title"])}-江洲市第一人民医院</title>
<link href="/templets/css/style.css" rel="stylesheet" type="text/css" />
<script src="/templets/js/jquery.js" type="text/javascript"></script>
</head>
<body>
<div class="top"><div class="logo"><img src="/templets/images/logo.png" alt="江洲市第一人民医院" /></div>
<div class="tel">预约挂号电话：0519-80000000</div></div>
<div class="menu"><ul><li><a href="/">网站首页</a></li><li><a href="/yygk/">医院概况</a></li><li><a href="/yyxw/">医院新闻</a></li><li><a href="/ksdh/">科室导航</a></li><li><a href="/zjjs/">专家介绍</a></li><li><a href="/jzzn/">就诊指南</a></li><li><a href="/ghdt/">工会动态</a></li><li><a href="/dqgz/">党群工作</a></li></ul></div>
<div class="main">
  <div class="left_nav"><h3>{esc(story["channel"])}</h3><ul><li><a href="#">医院新闻</a></li><li><a href="#">媒体报道</a></li><li><a href="#">工会动态</a></li><li><a href="#">通知公告</a></li></ul></div>
  <div class="right_con">
    <div class="weizhi">您当前的位置：<a href="/">首页</a> &gt; <a href="#">{esc(story["channel"])}</a> &gt; 正文</div>
    <div class="news_title">{esc(story["title"])}</div>
    <div class="news_info">发布时间：{story["date"]}&nbsp;&nbsp;来源：{esc(story["source"])}&nbsp;&nbsp;作者：{esc(story["author"])}&nbsp;&nbsp;浏览次数：<script>document.write("1286")</script></div>
    <div class="news_content">
      <div class="TRS_Editor">
{body_ps(story, '<p style="text-indent:2em">')}
      </div>
      <p style="text-align:right">（编辑：{esc(story["editor"])}）</p>
    </div>
    <div class="print">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
    <div class="prev_next"><p>上一篇：<a href="#">我院开展护理技能竞赛</a></p><p>下一篇：<a href="#">关于调整门诊时间的通知</a></p></div>
  </div>
</div>
<div class="footer">
  <p>版权所有：江洲市第一人民医院 &nbsp; 地址：江洲市人民路88号 &nbsp; 邮编：213000</p>
  <p>技术支持：江洲网络科技有限公司 &nbsp; <a href="#">苏ICP备11045678号-1</a></p>
</div>
</body>
</html>
"""


def gov(story: Story, charset: str | None = None) -> str:
    """A government notice page: table layout, TRS metadata, signature lines, site code footer."""
    sig = "\n".join(f'<p style="text-align:right">{esc(line)}</p>' for line in story["signature"])
    return f"""<html>
<head>
{meta_charset(charset)}
<title>{esc(story["title"])}</title>
<meta name="SiteName" content="江洲市卫生健康委员会">
<meta name="ArticleTitle" content="{esc(story["title"])}">
<meta name="PubDate" content="{story["iso"]}">
<meta name="ContentSource" content="{esc(story["source"])}">
<meta name="ColumnName" content="{esc(story["channel"])}">
<link href="/css/main.css" rel="stylesheet" type="text/css">
<script language="javascript">function doZoom(size){{document.getElementById('zoom').style.fontSize=size+'px';}}</script>
</head>
<body topmargin="0" leftmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td><img src="/images/banner.jpg" width="1000" height="150"></td></tr>
  <tr><td class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/gzdt/">工作动态</a> | <a href="/tzgg/">通知公告</a> | <a href="/bsfw/">办事服务</a> | <a href="/hdjl/">互动交流</a></td></tr>
</table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="bk">
  <tr><td class="weizhi">当前位置：<a href="/">首页</a> &gt;&gt; <a href="/tzgg/">{esc(story["channel"])}</a></td></tr>
  <tr><td align="center" class="biaoti"><b>{esc(story["title"])}</b></td></tr>
  <tr><td align="center" class="xinxi">发布日期：{story["date"]}&nbsp;&nbsp;&nbsp;信息来源：{esc(story["source"])}&nbsp;&nbsp;&nbsp;字号：[<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>]</td></tr>
  <tr><td>
    <div class="zhengwen" id="zoom">
      <div class="TRS_Editor">
<p style="text-align:center">{esc(story["doc_no"])}</p>
{body_ps(story, '<p style="text-indent:2em">')}
{sig}
      </div>
    </div>
  </td></tr>
  <tr><td class="guanbi">【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</td></tr>
</table>
<!-- 页脚 -->
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="footer copyright">
  <tr><td align="center">主办单位：江洲市卫生健康委员会&nbsp;&nbsp;承办：江洲市卫生健康信息中心&nbsp;&nbsp;地址：江洲市政务中心东楼</td></tr>
  <tr><td align="center">网站标识码：3204000012&nbsp;&nbsp;<a href="#">苏ICP备05012345号</a>&nbsp;&nbsp;苏公网安备 32040202000123号</td></tr>
</table>
</body>
</html>
"""


def hkdaily(story: Story, charset: str | None = "big5") -> str:
    """A Hong Kong paper in Traditional script: ``articleContent``, 相關新聞, 免責聲明 footer."""
    return f"""<!DOCTYPE html>
<html lang="zh-HK">
<head>
{meta_charset(charset)}
<title>{esc(story["title"])} - 港聞日報</title>
<meta name="description" content="{esc(story["paras"][0][:60])}">
<meta name="keywords" content="{esc(story["channel"])},港聞日報">
<style>#articleContent p{{font-size:17px;line-height:1.9}}</style>
<script>var adSlots = ["top_banner", "lrec1", "lrec2"];</script>
</head>
<body>
<div id="topMenu"><a href="/">主頁</a> <a href="/hk">港聞</a> <a href="/china">中國</a> <a href="/world">國際</a> <a href="/finance">財經</a> <a href="/sports">體育</a> <a href="/ent">娛樂</a> <a href="/opinion">評論</a></div>
<div class="ad" id="top_banner"><!-- advertisement --></div>
<div id="container">
  <div class="crumbs">主頁 &gt; {esc(story["channel"])} &gt; 即時</div>
  <div id="articleHeader">
    <h1 class="headline">{esc(story["title"])}</h1>
    <div class="pubdate">{story["date"]}</div>
  </div>
  <div id="articleContent" class="article-body">
{body_ps(story)}
  </div>
  <div class="shareBar">分享：<a>Facebook</a> <a>WhatsApp</a> <a>WeChat</a> <a>電郵</a></div>
  <div class="relatedNews"><h3>相關新聞</h3><ul>
<li><a href="/hk/20200308/1">公立醫院急症室輪候時間延長</a></li>
<li><a href="/hk/20200307/2">醫護人員保護衣存量告急</a></li>
<li><a href="/hk/20200306/3">衞生防護中心公布最新個案</a></li>
  </ul></div>
  <div class="hotNews"><h3>熱門文章</h3><ol>
<li><a href="/ent/1">天后演唱會加開兩場</a></li>
<li><a href="/finance/2">恆指半日跌三百點</a></li>
<li><a href="/sports/3">港足主場逼和對手</a></li>
  </ol></div>
</div>
<div id="footer"><a href="#">關於我們</a> | <a href="#">私隱政策</a> | <a href="#">免責聲明</a> | <a href="#">廣告查詢</a><br>&copy; 港聞日報有限公司 版權所有 不得轉載</div>
</body>
</html>
"""


def minsheng(story: Story, charset: str | None = None) -> str:
    """A Taiwan paper in Traditional script: ``text`` body with an in-article app ad."""
    paras = story["paras"]
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paras[:2])
    body += '\n<p class="appE1121"><a href="#">下載民聲APP 即時新聞不漏接</a></p>\n'
    body += "\n".join(f"<p>{esc(p)}</p>" for p in paras[2:])
    return f"""<!DOCTYPE html>
<html>
<head>
{meta_charset(charset, "html5")}
<title>{esc(story["title"])} - {esc(story["channel"])} - 民聲新聞網</title>
<meta property="og:title" content="{esc(story["title"])}">
<meta property="og:site_name" content="民聲新聞網">
<script>var dataLayer = [{{"pageType": "article", "category": "{esc(story["channel"])}"}}];</script>
</head>
<body>
<header><a href="/">民聲新聞網</a> <nav><a href="/news/politics">政治</a> <a href="/news/society">社會</a> <a href="/news/life">生活</a> <a href="/news/world">國際</a> <a href="/news/local">地方</a> <a href="/sports">體育</a></nav></header>
<div class="breadcrumbs"><a href="/">首頁</a> &rsaquo; <a href="/news/{story["channel"]}">{esc(story["channel"])}</a></div>
<div class="whitecon article">
  <h1>{esc(story["title"])}</h1>
  <div class="text boxTitle boxText">
    <span class="time">{story["date"]}</span>
{body}
  </div>
  <div class="related"><p class="title">相關新聞</p><ul>
<li><a href="#">醫院護理人力吃緊 病房關床</a></li>
<li><a href="#">專科護理師待遇調整方案出爐</a></li>
<li><a href="#">颱風假明天放不放？一次看</a></li>
  </ul></div>
  <div class="hot"><p class="title">熱門新聞</p><ul>
<li><a href="#">台股收盤上漲兩百點</a></li>
<li><a href="#">連假國道車流預估</a></li>
  </ul></div>
</div>
<footer><p>民聲新聞網 版權所有 &copy; 2024 不得轉載</p><p><a href="#">免責聲明</a> | <a href="#">隱私權政策</a></p></footer>
</body>
</html>
"""


def wechat(story: Story) -> str:
    """A WeChat public-account article: ``js_content`` sections, ``var ct`` timestamp."""
    sections = "\n".join(
        f'<section style="margin-bottom:16px;"><span style="font-size:15px;color:#333;">{esc(p)}</span></section>'
        for p in story["paras"]
    )
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0,viewport-fit=cover">
<meta property="og:title" content="{esc(story["title"])}" />
<meta property="og:type" content="article" />
<meta property="og:url" content="{story["url"]}" />
<title>{esc(story["title"])}</title>
<style>.rich_media_content{{overflow:hidden;text-align:justify}} .qr_code_pc{{display:none}}</style>
</head>
<body id="activity-detail" class="zh_CN">
<div class="rich_media">
  <div class="rich_media_inner">
    <h1 class="rich_media_title" id="activity-name">
{esc(story["title"])}
    </h1>
    <div id="meta_content" class="rich_media_meta_list">
      <span class="rich_media_meta rich_media_meta_text">{esc(story["author"])}</span>
      <span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a href="javascript:void(0);" id="js_name">{esc(story["source"])}</a></span>
      <em id="publish_time" class="rich_media_meta rich_media_meta_text"></em>
    </div>
    <div class="rich_media_content" id="js_content" style="visibility: hidden;">
{sections}
<section style="text-align:center;"><img data-src="https://mmbiz.example/qr.jpg" alt="二维码"/><p style="font-size:12px;color:#999;">长按识别二维码预约咨询</p></section>
    </div>
    <div class="rich_media_tool" id="js_toobar3"><a id="js_view_source">阅读原文</a> <span>阅读 <span id="readNum3">3.2万</span></span> <span class="like_btn">赞</span> <span class="js_like_btn">在看</span></div>
    <div id="js_reward_area">作者赞赏</div>
    <div class="rich_media_extra"><h3>喜欢此内容的人还喜欢</h3><ul><li>春节期间如何调整作息</li><li>居家隔离期间的心理调适指南</li></ul></div>
  </div>
  <div class="qr_code_pc_outer"><div class="qr_code_pc"><img id="js_pc_qr_code_img" class="qr_code_pc_img"><p>微信扫一扫<br>关注该公众号</p></div></div>
</div>
<div id="js_pc_close_btn">预览时标签不可点</div>
<script type="text/javascript">
var nickname = htmlDecode("{esc(story["source"])}");
var msg_title = '{esc(story["title"])}'.html(false);
var ct = "{story["iso"]}";
var publish_time = "{story["date"]}" || "";
document.getElementById("js_content").style.visibility = "visible";
</script>
</body>
</html>
"""


def haicheng(story: Story, charset: str | None = "gb2312") -> str:
    """A city news site (founder CMS): ``<founder-content>`` body; its meta may lie about bytes."""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
{meta_charset(charset)}
<title>{esc(story["title"])}_海澄新闻网</title>
<meta name="keywords" content="海澄,本地新闻">
<link rel="stylesheet" href="/css/article.css">
</head>
<body>
<div class="head"><img src="/images/hcnews_logo.gif" alt="海澄新闻网"><span>海澄市唯一重点新闻网站</span></div>
<div class="daohang"><a href="/">首页</a> | <a href="/bdxw/">本地新闻</a> | <a href="/gnxw/">国内新闻</a> | <a href="/msjj/">民生聚焦</a> | <a href="/szb/">数字报</a></div>
<table width="960" align="center" border="0" cellpadding="0" cellspacing="0">
<tr><td class="weizhi">您的位置：<a href="/">首页</a> - <a href="/bdxw/">{esc(story["channel"])}</a> - 正文</td></tr>
<tr><td class="title" align="center"><h2>{esc(story["title"])}</h2></td></tr>
<tr><td class="info" align="center">{story["date"]}　来源：{esc(story["source"])}　作者：{esc(story["author"])}</td></tr>
<tr><td class="content">
<div id="ozoom">
<founder-content>
{body_ps(story)}
</founder-content>
</div>
<p class="bianji">编辑：{esc(story["editor"])}</p>
</td></tr>
<tr><td class="xgxw"><b>相关新闻</b><br>
<a href="#">海澄市新增确诊病例治愈出院</a><br>
<a href="#">全市复工复产企业超过九成</a><br>
<a href="#">致全市医务工作者的一封感谢信</a>
</td></tr>
</table>
<div class="mianze">免责声明：本网转载作品均注明出处，转载目的在于传递更多信息，并不代表本网赞同其观点和对其真实性负责。</div>
<div class="footer">海澄新闻网 版权所有 &copy; 2004-2020 未经授权禁止复制或建立镜像<br>闽ICP备09001234号 互联网新闻信息服务许可证编号：35120180007</div>
</body>
</html>
"""


def county_br(story: Story) -> str:
    """A county media-centre page: no charset declaration, body in one div split by ``<br>``."""
    first, *rest = story["paras"]
    chunks = [f"&nbsp;&nbsp;&nbsp;&nbsp;{esc(first)}"]
    chunks += [f"&nbsp;&nbsp;&nbsp;&nbsp;{esc(p)}" for p in rest]
    body = "<br>\n<br>\n".join(chunks)
    return f"""<html>
<head>
<title>{esc(story["title"])}</title>
<script>var _paq = window._paq || []; _paq.push(['trackPageView']);</script>
</head>
<body>
<div id="header"><div class="logo">云岭县融媒体中心</div><div class="nav"><a href="/">首页</a> <a href="/news/">云岭新闻</a> <a href="/news/msxw/">民生</a> <a href="/zt/">专题</a> <a href="/video/">视听云岭</a></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/news/">云岭新闻</a> &gt; <a href="/news/msxw/">{esc(story["channel"])}</a></div>
<div class="article-box">
<div class="article-title">{esc(story["title"])}</div>
<div class="article-info">时间：{story["date"]} | 来源：{esc(story["source"])} | 作者：{esc(story["author"])} | 点击：<span id="hits">532</span></div>
<div class="article-body">
<p>{body}</p>
</div>
<div class="article-editor">责任编辑：{esc(story["editor"])}</div>
</div>
<div class="list-box"><h4>最新文章</h4><ul>
<li><a href="#">云岭县召开冬春农田水利建设推进会</a></li>
<li><a href="#">县人民医院开展义诊进乡村活动</a></li>
<li><a href="#">云岭县第六届读书节开幕</a></li>
</ul></div>
<div id="footer">Copyright &copy; 云岭县融媒体中心 版权所有 滇ICP备15001234号-1<br>本站部分内容来源于网络，如有侵权请联系删除</div>
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def build_html() -> None:
    """The HTML pages: one call per page, family and encoding chosen per page."""
    write("html/huaxia_doctors_day_honours.html", huaxia(DOCTORS_DAY, charset="GB2312"), "gbk")
    write("html/xhsx_hospital_security.html", agency(HOSPITAL_SECURITY), "utf-8")
    write("html/xinlan_nurse_shift_rotation.html", xinlan(NURSE_ROTATION), "utf-8")
    write("html/yunfan_resident_training_pay.html", yunfan(RESIDENT_PAY, charset="gbk"), "gbk")
    write("html/tengyun_nurses_day_donation.html", tengyun(NURSES_DAY_GIFTS), "utf-8")
    write("html/hospital_staff_checkup_table.html", hospital(STAFF_CHECKUP), "utf-8")
    write("html/gov_grassroots_title_notice.html", gov(TITLE_NOTICE, charset=None), "gbk")
    hk = trad_story(HK_HOTLINE, trad)
    write("html/hkdaily_staff_hotline.html", hkdaily(hk, charset="big5"), "big5")
    tw = trad_story(TW_NIGHT_SHIFT, lambda s: trad(s, "s2tw"))
    write("html/minsheng_night_shift_allowance.html", minsheng(tw, charset=None), "big5")
    write("html/wechat_counselling_line.html", wechat(COUNSELLING_LETTER), "utf-8")
    write("html/haicheng_family_support_wrongmeta.html", haicheng(FAMILY_SUPPORT, charset="gb2312"), "utf-8")
    # near-duplicate cluster A: one subsidy story syndicated three times
    write("html/huaxia_subsidy_dupA.html", huaxia(SUBSIDY_A1, charset="utf-8"), "utf-8")
    write("html/xinlan_subsidy_dupA.html", xinlan(SUBSIDY_A2), "utf-8")
    a3 = trad_story(SUBSIDY_A3, trad)
    write("html/hkdaily_subsidy_dupA.html", hkdaily(a3, charset="big5"), "big5")
    # near-duplicate cluster B: the page here, the dump in text/
    write("html/yunfan_injury_recognition_dupB.html", yunfan(INJURY_B1, charset="utf-8"), "utf-8")
    # off-topic pages, one hard negative about doctors without a welfare angle
    write("html/xinlan_basketball.html", xinlan(BASKETBALL), "utf-8")
    write("html/yunfan_economy_quarter.html", yunfan(ECONOMY, charset="gbk"), "gbk")
    write("html/tengyun_foldable_phone.html", tengyun(PHONE), "utf-8")
    write("html/hospital_robot_surgery.html", hospital(ROBOT_SURGERY), "utf-8")
    tw_typhoon = trad_story(TYPHOON, lambda s: trad(s, "s2tw"))
    write("html/minsheng_typhoon.html", minsheng(tw_typhoon, charset="big5"), "big5")
    write("html/xhsx_school_places.html", agency(SCHOOL_PLACES), "utf-8")
    # hard layouts
    write("html/huaxia_night_meal_short.html", huaxia(NIGHT_MEAL, charset="utf-8", long_related=True), "utf-8")
    write("html/county_village_doctor_pension_br.html", county_br(VILLAGE_PENSION), "utf-8")
    write("html/tengyun_cdc_overtime_comments.html", tengyun(CDC_OVERTIME, comments=True), "utf-8")


def build_text() -> None:
    """Plain-text dumps in the shapes scrapers save (title, meta line, body, boilerplate)."""
    write("text/charity_nurses_day_trad_pinyin.txt", pinyin_annotate(trad(DUMP_CHARITY_TRAD)))
    write("text/union_rest_rooms.txt", DUMP_UNION_REST)
    write("text/telemedicine_trad_pinyin.txt", pinyin_annotate(trad(DUMP_TELEMEDICINE_HEAD)) + SEO_PLACES)
    write("text/essay_collection_download.txt", DUMP_ESSAYS)
    write("text/marathon_sports.txt", DUMP_MARATHON)
    write("text/injury_recognition_dupB.txt", DUMP_INJURY_B2)
    write("text/violence_sentence.txt", DUMP_VIOLENCE)
    write("text/foreign_trade_gbk.txt", DUMP_TRADE, "gbk")
    write("text/overtime_mojibake.txt", DUMP_OVERTIME.replace("{MOJIBAKE}", mojibake(OVERTIME_GARBLED)))
    write("text/hk_assault_trad.txt", trad(DUMP_HK_ASSAULT))


def build_jsonl() -> None:
    """JSONL files: one object per line with id, title, url, date, text."""
    for name, items in (("weibo_posts.jsonl", WEIBO), ("cctv_transcripts.jsonl", CCTV)):
        lines = [json.dumps(item, ensure_ascii=False) for item in items]
        write(f"jsonl/{name}", "\n".join(lines) + "\n")


def main() -> None:
    build_html()
    build_text()
    build_jsonl()
    count = sum(1 for p in OUT.rglob("*") if p.suffix in {".html", ".txt", ".jsonl"})
    print(f"wrote {count} files under {OUT}")


if __name__ == "__main__":
    main()
