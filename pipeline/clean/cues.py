"""Patterns that mark page furniture in flattened text: general cue words, not any site's strings."""

from __future__ import annotations

import re

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Punctuation of running text (the enumeration comma "、" also appears in headlines: not counted).
CN_PUNCT = "，。！？；：,;!?"
SENTENCE_END = "。！？!?…"

#: Headers that open a block of links to other articles, or a comment/ranking block.
RELATED_HEADER = re.compile(
    r"^[\s【\[（(「]*(?:猜你喜[欢歡]|相[关關](?:阅读|閱讀|文章|新[闻聞]|推荐|推薦|报道|報道|链接|鏈接|专题|專題)|"
    r"(?:热门|熱門|最新|推荐|推薦|精彩|热点|熱點|延伸|更多|今日|往期)(?:文章|阅读|閱讀|推荐|推薦|新[闻聞]|资讯|資訊|回顾|回顧|图片|圖片|专题|專題|视频|視頻)|"
    r"(?:阅读|閱讀|点击|點擊|人气|人氣)(?:排行|排名|榜)|排行榜|为你推荐|為你推薦|大家都在看|你可能(?:还)?(?:感兴趣|喜欢)|"
    r"网友评论|網友評論|发表评论|發表評論|我要评论|热门评论|最新评论|热门标签|热门搜索|友情链接|友情鏈接|合作伙伴)"
    r"[\s】\]）)」>:：]*(?:更多\s*[>»]*)?$"
)

#: Labels that close an article: keyword and tag lists.
TAGS_LABEL = re.compile(r"^(?:关键[词字]|關鍵[詞字]|标签|標籤|tags?)\s*[:：]", re.I)

#: Footer furniture: copyright, licences, contact lines.
FOOTER = re.compile(
    r"©|\(c\)\s*\d{4}|版[权權]所有|copyright|all rights reserved|ICP[备備证證]|公网安备|公網安備|"
    r"[网網][站络絡]?联系|聯繫我們|联系我们|关于我们|關於我們|广告服务|廣告服務|网站地图|網站地圖|隐私政策|免责声明|免責聲明|"
    r"违法和不良信息|举报电话|舉報電話|[邮郵][箱件][:：]|[\w.-]+@[\w-]+\.(?:com|cn|net|org)",
    re.I,
)

#: Download/reader prompts of document-sharing sites, and end-of-article prompts.
PROMPT = re.compile(
    r"本文地址[:：]|全文阅读已结束|全文閱讀已結束|下载此文档|下載此文檔|下载本文|点击下载|點擊下載|"
    r"原文链接[:：]|本文链接[:：]|阅读原文|閱讀原文|展开全文|展開全文|扫[一描]扫|掃[一描]掃|长按识别|長按識別|"
    r"关注(?:我们|公众号|微信)|關注(?:我們|公眾號)|订阅|訂閱|点击(?:进入|查看|关注)|分享到|返回(?:顶部|首页|列表)|^返回[\u4e00-\u9fff]{1,8}$|"
    r"上一篇|下一篇|上一页|下一页|打印本页|关闭窗口|收藏本文|字号[:：]|【(?:纠错|打印|关闭)】|我要纠错|责任编辑已|"
    r"未经授权|转载请注明|轉載請註明|请勿转载|本站声明|格式[:：]\s*(?:DOCX?|PDF|PPTX?|TXT|XLSX?)\b",
    re.I,
)

#: Short bracketed notes about pictures: ``(资料图片仅供参考)``, ``（图片来源：网络）``.
PICTURE_NOTE = re.compile(r"^[(（【\[]?\s*(?:资料|資料|配|示意|网络|網絡)?[图圖]片?[^()（）]{0,12}[)）】\]]?$|^[(（][^()（）]{0,10}[图圖][^()（）]{0,10}[)）]$")

#: Breadcrumbs: ``首页 > 新闻 > 正文``, ``某某网>>某某新闻``, ``当前位置：``.
BREADCRUMB = re.compile(r"(?:当前位置|當前位置|您的位置|你的位置|所在位置|现在位置)|>>|»|(?:[>＞›](?:[^>＞›]{1,12})){2,}|^[^，。！？]{1,20}\s*[>＞›]\s*$")

#: Labelled meta fields; group ``label`` names the field.
FIELD_LABEL = (
    r"(?:来源|來源|出处|出處|稿源|作者|記者|记者|文|撰文|编辑|編輯|责编|責編|责任编辑|責任編輯|网站编辑|網站編輯|"
    r"小编|小編|编者|審核|审核|校对|校對|通讯员|通訊員|摄影|攝影|图|圖|发布时间|發布時間|发布日期|發布日期|时间|時間|"
    r"日期|更新时间|更新時間|上传日期|上傳日期|格式|浏览|瀏覽|阅读|閱讀|点击|點擊|关键[词字]|關鍵[詞字]|标签|標籤|Tags?|字数|字數)"
)
FIELD = re.compile(rf"(?P<label>(?:收集|整理|本文|原文|文字|图片|圖片|首发|首發)?{FIELD_LABEL})\s*[:：]")
#: ``(责编：某某)``-style editor notes.
EDITOR_NOTE = re.compile(r"^[(（【\[]\s*(?:责编|責編|责任编辑|責任編輯|编辑|編輯|审核|審核|校对|校對)[:：][^()（）]*[)）】\]]$")

#: Template filler sentences of essay/document sites.
TEMPLATE = re.compile(
    r"小编|小編|[为為]大家(?:精心)?(?:收集|整理|准备|準備|带来|帶來|分享|推荐|推薦|提供)|"
    r"希望(?:能|可以|能够|能夠|会|會)?(?:对|對|给|給|帮助|幫助)(?:大家|您|你)|欢迎(?:大家)?(?:阅读|閱讀|借鉴|借鑒|参考|參考|收藏)|"
    r"仅供(?:大家)?参考|一起来看看吧|一起來看看吧|以下是|下面是"
)

#: Body-mode (JSONL text) furniture.
BROADCAST_PREFIX = re.compile(
    rf"^(?:[{HAN}A-Za-z]{{1,8}}(?:网|網|台|社|报|報|电|電)?(?:消息|讯|訊|电|電))?\s*[（(][^()（）\n]{{1,20}}[)）]\s*[:：]\s*"
    rf"|^[{HAN}A-Za-z]{{1,10}}(?:网|網|台|社)(?:消息|讯|訊)\s*[:：，,]\s*"
)
HASHTAG = re.compile(r"#[^#\n]{1,40}#")
UNFOLD = re.compile(r"\s*[…\.]*\s*(?:展开全文|展開全文)\s*[>»c]?\s*$")
SUBSCRIBE = re.compile(
    r"(?:欢迎|歡迎|请|請)?(?:关注|關注|订阅|訂閱)(?:我们|我們|本|微信|公众号|公眾號|频道|頻道)|下载客户端|下載客戶端|"
    r"点击(?:下方|上方|右上角)|扫码(?:关注|下载)|更多[^，。！\n]{0,8}[，,]?\s*(?:请|敬请|請)(?:关注|關注|下载|下載|点击|點擊|登录|登錄)|"
    r"(?:关注|關注|下载|下載)[^，。！\n]{0,10}(?:客户端|客戶端|APP|App|app)"
)

#: The most common Chinese surnames (Simplified), to tell a byline name from a short nav word.
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
