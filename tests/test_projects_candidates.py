"""What the rules propose (ProjectExtractor, before the project model weighs it), as a table.

The cases in tests/cases/projects.yaml run the whole pipeline, model included; these pin
the candidates themselves, so the structures that raise recall (issue 13) are tested apart
from where a retrained model puts its threshold. Every sentence and name is invented.
"""

from __future__ import annotations

import pytest

from pipeline.rules.loader import RuleSet
from pipeline.stages.projects import ProjectExtractor, _count_value, shared_part_items

N = None        # no alt

CANDIDATES = [
    # (text, the candidates: (name, alt) in reading order)
    # --- two names joined by 及/与 are two when each side is a name ---------------------------
    ("青石路改造工程及白沙大桥工程均已完工。", [("青石路改造工程", N), ("白沙大桥工程", N)]),
    ("青岩水库与白马水库正在施工。", [("青岩水库", N), ("白马水库", N)]),
    ("金山大道及银湖隧道两个项目已开工。", [("金山大道", N), ("银湖隧道", N)]),
    ("鑫达建材及华泰纸业等2个项目已开工。", [("鑫达建材", N), ("华泰纸业", N)]),
    # ... and one name when a side names nothing or is a part of the other
    ("城北供水及污水处理厂已投入运行。", [("城北供水及污水处理厂", N)]),
    ("鹤汀大道与望江路立交及匝道工程进度滞后。", [("鹤汀大道与望江路立交及匝道工程", N)]),
    ("滨河大道及连接线工程已开工。", [("滨河大道及连接线工程", N)]),
    ("桐溪电厂扩建工程及送出配套工程加快推进。", [("桐溪电厂扩建工程及送出配套工程", N)]),
    ("云溪两岸生态修复与提升工程、桐山水库等项目建成。", [("云溪两岸生态修复与提升工程", N), ("桐山水库", N)]),
    ("滨江大道已完工并投入使用。", [("滨江大道", N)]),
    # places that each have the works their class names before 工程 (两个村的供水巩固提升工程) are
    # the works' projects; parts of one project (车间) are not
    ("鹤汀村、柳湾村两个村的供水巩固提升工程已完工。", [("鹤汀村", "鹤汀村工程"), ("柳湾村", "柳湾村工程")]),
    ("一号车间、二号车间等车间的内部装修工程已经完成。", []),
    # an ordinal of a series (8月首条生产线, 第二条生产线) names a part of a project, not one
    ("蓼汀功率芯片项目租用标准厂房，今年5月首条生产线投产。", [("蓼汀功率芯片项目", N)]),
    # a preposition before a bare suffix names nothing (往 | 电网); a numbered road keeps its first character
    ("鹤汀村屋顶光伏电站本月起已开始往电网送电。", [("鹤汀村屋顶光伏电站", N)]),
    ("经五路已建成通车。", [("经五路", N)]),
    # a surname before 家 names a village (何家河): no pronoun (何 of 何时) cut from the name's start
    ("何家河便民桥上周涨水，停工六天。", [("何家河便民桥", N)]),
    ("其家门口的鹤汀公园已开放。", [("鹤汀公园", N)]),
    # an adverb the last item runs up to (也, 均 before the cue) is no part of its name
    ("白岭污水处理厂和白岭天然气门站也已建成。", [("白岭污水处理厂", N), ("白岭天然气门站", N)]),
    ("白岭路雨水管网、通信排管均已完成。", [("白岭路雨水管网", N), ("通信排管", N)]),
    # --- the works a list's class names for its members are theirs, no project of their own -----
    ("青石、白沙两个社区的供水管网改造工程已完工。", [("青石", "青石管网"), ("白沙", "白沙管网")]),
    # ... a facility whose suffix closes a word of its own (污水处理站, 产业路), after towns or villages
    ("松岗、柏坪两个乡镇的污水处理站已投运。", [("松岗", "松岗处理站"), ("柏坪", "柏坪处理站")]),
    ("桃湾村、李坪村两个村的产业路已完工。", [("桃湾村", "桃湾村产业路"), ("李坪村", "李坪村产业路")]),
    # ... a count inside the list that reaches back to its first item closes it there (甲、乙两个…和丙)
    ("松岗、柏坪两个片区的管网改造工程和桂湾污水处理厂均已完工。",
     [("松岗", "松岗管网"), ("柏坪", "柏坪管网"), ("桂湾污水处理厂", N)]),
    ("甲村、乙村等5条路已硬化。", []),
    ("青石、白沙等片区的棚户区改造项目已开工。", [("青石", "青石改造"), ("白沙", "白沙改造")]),
    # ... but a works phrase of its own after a list closed by a class naming no works stands
    # ... and works that name a place of their own are a project of their own
    ("青江、白江等河流域的青石河治理工程已完工。", [("青江", "青江治理"), ("白江", "白江治理"), ("青石河治理工程", N)]),
    ("青石、白沙等3座水库已完工，城南供水管网改造工程已开工。", [("青石", "青石水库"), ("白沙", "白沙水库"),
                                                            ("城南供水管网改造工程", N)]),
    # --- what a project rents, brings in or builds, after its 项目/工程, is no part of its name ---
    ("锐达电机项目租赁园区闲置车间1.5万平方米。", [("锐达电机项目", N)]),
    ("白马水库加固工程新建副坝已完工。", [("白马水库加固工程", N)]),
    ("华泰纸业技改项目引进生产线3条。", [("华泰纸业技改项目", N)]),
    # ... but 配套 goes on naming
    ("城南安置工程配套道路已完工。", [("城南安置工程配套道路", N)]),
    # --- a character that starts no name is stripped only when it is no part of a place (沿江路) --
    ("完成青石桥拓宽和沿江路改造。", [("青石桥拓宽", N), ("沿江路改造", N)]),
    ("正阳路已通车。", [("正阳路", N)]),
    ("如云州港三期码头工程受台风影响。", [("云州港三期码头工程", N)]),
    # --- 和 between a bare left side and a suffixed right side that are no two names joins two
    # words of one name (as 及/与 do, `_two_names`) ---------------------------------------------
    ("云州市文化和体育中心主体完工。", [("云州市文化和体育中心", N)]),
    ("青禾县城乡供水和排水一体化工程已开工。", [("青禾县城乡供水和排水一体化工程", N)]),
    # ... also when the right side's common words end in a suffix another word lends
    # (服务中心): the right side alone singles nothing out, so it is no name of its own
    ("鹿溪镇文化和旅游服务中心建成开放。", [("鹿溪镇文化和旅游服务中心", N)]),
    ("桐林县科技和人才服务中心已投入使用。", [("桐林县科技和人才服务中心", N)]),
    # ... but two names, two places before one suffix and a short place of its own stay apart
    ("鹿鸣湖公园和滨江大桥已完工。", [("鹿鸣湖公园", N), ("滨江大桥", N)]),
    ("白沙村和黄岭村饮水工程已完工。", [("白沙村", "白沙村饮水工程"), ("黄岭村饮水工程", N)]),
    ("桐坪和石溪电站加快建设。", [("桐坪", "桐坪电站"), ("石溪电站", N)]),
    ("柳溪和白马新村工程已开工。", [("柳溪", N), ("白马新村工程", N)]),
    # --- the bracket of a short form ends the full name: a suffix after it names what is said
    # of the project (its feasibility study, its proposal), no part of the name ---------------
    ("青州至柳城高速公路（简称青柳高速）工程初步设计已经批复。", [("青州至柳城高速公路", N)]),
    ("青州至柳城高速公路（以下简称“青柳高速”）项目建议书已批复。", [("青州至柳城高速公路", N)]),
    # ... and the name before it stays whole, with a bracket that is no short form kept
    ("白鹭湾大桥（简称白鹭桥）于5月开工。", [("白鹭湾大桥", N)]),
    ("青禾体育中心项目（简称“体育中心”）已开工。", [("青禾体育中心项目", N)]),
    ("凤栖大道（一期）工程已通车。", [("凤栖大道（一期）工程", N)]),
    # --- a bracket after a name holding a clause (a verb names do not use, a pronoun) is an
    # aside: the name ends before it, and no word inside it frames the name -------------------
    ("柳河二桥北岸连接线工程（也就是您来信说的“二桥北引道”）总投资1.6亿元。", [("柳河二桥北岸连接线工程", N)]),
    ("青石水厂（由县水务公司负责建设）已开工。", [("青石水厂", N)]),
    # ... but a note (a place, a phase) stays in the name; a figure with its unit (a capacity, an
    # area, a count of classes: rules/projects.yaml measure_note) measures the project, it is no
    # part of its name
    ("青云高速公路（四川境）已通车。", [("青云高速公路（四川境）", N)]),
    ("城南污水处理厂（日处理5万吨）已投入运行。", [("城南污水处理厂", N)]),
    # --- a renewal names the works (更新, which jieba may read as an adverb, is a verb names use)
    ("桐溪北岸旧城更新项目总投资12亿元。", [("桐溪北岸旧城更新项目", N)]),
    # --- a phase after a name singles it out: a name may end in it without a facility suffix,
    # and a facility word with a phase is no bare facility (GUIDELINES: 二期 distinguishes) ------
    ("青禾数据谷二期已于5月开工。", [("青禾数据谷二期", N)]),
    ("河西餐厨垃圾资源化利用二期已完成立项。", [("河西餐厨垃圾资源化利用二期", N)]),
    ("截至9月完成投资60%；鹭洲湾数创谷二期正在编制方案。", [("鹭洲湾数创谷二期", N)]),
    ("柳塘古街二期已完成方案设计。", [("柳塘古街二期", N)]),
    ("古街二期计划明年开工。", [("古街二期", N)]),
    ("物流園二期已完成土地徵收。", [("物流園二期", N)]),
    ("安置区三期已完成桩基施工。", [("安置区三期", N)]),
    ("加工园第三期工程正在招标。", [("加工园第三期工程", N)]),
    # the bare phase after it shares its prefix (`_bare_phases`): named as written, the full name its alt
    ("鹭洲湾一期、二期均已交付。", [("鹭洲湾一期", N), ("二期", "鹭洲湾二期")]),
    # ... but a period (同期, 本期), a phase after a verb or alone, and a phase with nothing
    # before it are no names
    ("与上年同期相比增长5%。", []),
    ("本期共安排资金300万元。", []),
    ("启动二期。", []),
    ("第一期培训班于3月举办。", []),
    ("项目一期已完工，二期正在施工。", []),
    ("安置房建设加快推进。", []),
    # --- an ordinal of its own names one facility, as a digit does (not 第三方, 第一批) -----------
    ("县第三实验学校已投入使用。", [("县第三实验学校", N)]),
    ("市第二中心医院主体完工。", [("市第二中心医院", N)]),
    ("第三方服务中心已投入使用。", []),
    ("第一批学校已投入使用。", []),
    ("市人民医院主体完工。", []),
    # --- the last item's suffix is lent to bare items like its own part -----------------------
    ("青岩、白马及红石水库加快建设。", [("青岩", "青岩水库"), ("白马", "白马水库"), ("红石水库", N)]),
    ("桐坪、石溪、龙湾电站加快建设。", [("桐坪", "桐坪电站"), ("石溪", "石溪电站"), ("龙湾电站", N)]),
    # --- bare items of a list a count of projects closes or introduces ------------------------
    ("鑫达建材、华泰纸业、宏远机械等12个工业项目已开工。", [("鑫达建材", N), ("华泰纸业", N), ("宏远机械", N)]),
    ("云溪古镇修缮、东湖堤加固、北山林场防护等3个项目已完工。",
     [("云溪古镇修缮", N), ("东湖堤加固", N), ("北山林场防护", N)]),
    ("青禾县柳湾、云州区石坝坡等5件小型水源工程开工。", [("青禾县柳湾", N), ("云州区石坝坡", N)]),
    ("云岭钢铁等3个工业项目已开工。", [("云岭钢铁", N)]),
    ("新开工项目8个，主要有鑫达建材、华泰纸业、恒通机械。", [("鑫达建材", N), ("华泰纸业", N), ("恒通机械", N)]),
    ("续建项目3个：青山湖、白水塘、红岩寺。", [("青山湖", N), ("白水塘", N), ("红岩寺", N)]),
    # --- symbols a post or bulletin puts before or after an item are no part of its name -------
    ("📍青禾镇农产品加工产业园\n主体已完工。", [("青禾镇农产品加工产业园", N)]),
    ("▶白沙大道改造工程已完工。", [("白沙大道改造工程", N)]),
    ("★★白沙水库除险加固工程已开工。", [("白沙水库除险加固工程", N)]),
    ("1️⃣青禾大道改造工程已完工。", [("青禾大道改造工程", N)]),
    ("@青禾大道改造工程已完工。", [("青禾大道改造工程", N)]),
    ("青禾大道改造工程✅已完工。", [("青禾大道改造工程", N)]),
    # ... but a road's code, a masked name's signs and a quoted name stay whole
    ("S218线青禾段改造工程已完工。", [("S218线青禾段改造工程", N)]),
    ("××水库除险加固工程已完工。", [("××水库除险加固工程", N)]),
    # --- a speech's lead-in (a speaker and what the speaker did) is no part of the name --------
    ("顺路我们还看了青禾智慧物流园，这个项目很好。", [("青禾智慧物流园", N)]),
    ("下午我们去了青禾县人民医院新院区。", [("青禾县人民医院新院区", N)]),
    ("下面我讲讲白沙水库除险加固工程。", [("白沙水库除险加固工程", N)]),
    ("大家要抓好青禾大道改造工程。", [("青禾大道改造工程", N)]),
    # ... a speaker's place is no lead-in
    ("我们县的白沙水库已完工。", [("白沙水库", N)]),
    # --- a demonstrative points at projects named elsewhere: none of its own, no part of one ----
    ("青禾物流港、青禾县职业中学这两个项目进度滞后。", [("青禾物流港", N), ("青禾县职业中学", N)]),
    ("青禾这些项目有新进展", []),
    ("每次回家都走白沙那条老路。", []),
    ("那坡县城南大道已完工。", [("那坡县城南大道", N)]),
    # --- homes for the old, storage zones and greenhouses name facilities (大棚 with a place) ---
    ("青禾镇敬老院（二期）进度滞后。", [("青禾镇敬老院（二期）", N)]),
    ("青禾县城南新区安置房项目、白沙物流园冷链仓储区受征地影响，进度滞后。",
     [("青禾县城南新区安置房项目", N), ("白沙物流园冷链仓储区", N)]),
    ("白沙村食用菌大棚已建成。", [("白沙村食用菌大棚", N)]),
    ("全镇新建蔬菜大棚300个。", []),
    ("全县敬老院已完工。", []),
    # ... the county's one archive or library is a building (县 | 档案馆); 县 | 医院 stays generic
    ("县档案馆已于10月对外开放。", [("县档案馆", N)]),
    ("县医院已于10月搬迁。", []),
    # --- what a project rebuilds or lays, after its 工程, is its works ---------------------------
    ("青禾县城北片区雨污分流改造工程改造雨污管网38公里。", [("青禾县城北片区雨污分流改造工程", N)]),
    ("白沙城乡供水工程铺设供水管道12公里。", [("白沙城乡供水工程", N)]),
    ("柳垟村安全饮水工程新铺管道6.2公里，11月通水。", [("柳垟村安全饮水工程", N)]),
    ("青禾大道工程改造提升项目已开工。", [("青禾大道工程改造提升项目", N)]),
    # --- who answers for a project, and a list's title, are no projects -------------------------
    ("1.青禾港四期码头工程。年度计划投资12亿元。责任单位：市港航中心。", [("青禾港四期码头工程", N)]),
    ("附件：红黄绿灯项目名单（略）", []),
    ("白沙数据中心已投入运行。", [("白沙数据中心", N)]),
    # --- a verb's object after its aspect particle is no name ---------------------------------
    ("哪个部门卡了项目，就要追究责任。", []),
    ("青禾了望塔景区提升工程已开工。", [("青禾了望塔景区提升工程", N)]),
    # --- names survive an inner word ----------------------------------------------------------
    ("云州高新区智能终端组装产业园项目开工。", [("云州高新区智能终端组装产业园项目", N)]),
    ("云州电信城区光纤网络完善工程项目进展顺利。", [("云州电信城区光纤网络完善工程项目", N)]),
    ("桐山水库、海西至云岭联络线扩容等项目加快推进。", [("桐山水库", N), ("海西至云岭联络线扩容", N)]),
    ("白沙“一江两岸”、石门大桥等项目加快建设。", [("白沙“一江两岸”", N), ("石门大桥", N)]),
    ("云州市重视滨江大桥工程。", [("滨江大桥工程", N)]),
    # ... what the facility does (共同配送, 应急指挥, 换乘) is part of its name
    ("青禾镇城乡共同配送中心和白沙镇应急指挥中心均已开工。",
     [("青禾镇城乡共同配送中心", N), ("白沙镇应急指挥中心", N)]),
    # a verb after a whole place is framing only when what follows it is a name of its own;
    # a cut that leaves a bare facility (科技园) leaves the name whole
    ("青禾县引领科技园开工建设。", [("青禾县引领科技园", N)]),
    ("青禾县引领鑫达科技园开工建设。", [("鑫达科技园", N)]),
    # --- issue 13, this round: lists a class head, a group heading or a shared 项目 vouches for --
    ("重点项目：鑫达建材、华泰纸业、宏远机械。", [("鑫达建材", N), ("华泰纸业", N), ("宏远机械", N)]),
    ("今年开工的项目有鑫达建材、华泰纸业、宏远机械。", [("鑫达建材", N), ("华泰纸业", N), ("宏远机械", N)]),
    ("（三）储备项目\n鑫达建材、华泰纸业、宏远机械。", [("鑫达建材", N), ("华泰纸业", N), ("宏远机械", N)]),
    ("鑫达建材、华泰纸业、宏远机械等3个市级重点招商引资项目已开工。",
     [("鑫达建材", N), ("华泰纸业", N), ("宏远机械", N)]),
    ("白沙“一江两岸”、石门大桥、青石水库加快建设。", [("白沙“一江两岸”", N), ("石门大桥", N), ("青石水库", N)]),
    # ... but not a list of activities, of sectors, or the parts of one named project
    ("重点项目：征地拆迁、土地平整、道路硬化。", []),
    ("主要工作：鑫达建材、华泰纸业、宏远机械。", []),
    ("项目有序推进，鑫达建材、华泰纸业加快建设。", []),
    ("城南大道项目包括东坪、西岭、南湾。", [("城南大道项目", N)]),
    ("新能源、新材料、生物医药项目加快推进。", []),
    ("电子信息、新材料等领域加快推进项目。", []),
    ("康养旅游、现代物流、绿色建材项目建设加快推进。", []),
    ("继续实施退耕还林、天然林保护、“三北”防护林和防沙治沙工程。", []),     # programmes
    # --- boundaries: a company keeps its framing-like words, a name runs on through its verb ----
    ("云州鑫达实业投资有限公司年产5万吨新型墙材项目开工。", [("云州鑫达实业投资有限公司年产5万吨新型墙材项目", N)]),
    ("加快推进鑫达投资集团城南综合体项目。", [("鑫达投资集团城南综合体项目", N)]),
    ("青禾县革命老区乡村联网公路建设项目开工。", [("青禾县革命老区乡村联网公路建设项目", N)]),
    ("桐木乡革命老区乡村联网公路建设项目开工。", [("桐木乡革命老区乡村联网公路建设项目", N)]),
    ("青禾县国家储备林基地建设项目开工。", [("青禾县国家储备林基地建设项目", N)]),
    ("主会场设在云州市鑫达智能产业园项目建设现场。", [("云州市鑫达智能产业园项目建设", N)]),
    ("免除农村贫困家庭学生普通高中学杂费。", []),       # common words that only end in a suffix
    # a plan cue around a name (计划年内 … 竣工) ends it only with its own last words
    ("计划年内城南大道扩建工程竣工、滨江大桥建成通车。", [("城南大道扩建工程", N), ("滨江大桥", N)]),
    ("确保今年青禾县城南水厂二期竣工投产。", [("青禾县城南水厂二期", N)]),
    ("计划年内完成项目建设。", []),
    # a quote opening a name stays when a bracketed aside follows the name
    ("包括“青石两岸”综合整治项目(2022年已建成)。", [("“青石两岸”综合整治项目", N)]),
    # ... while a verb before a proper name still frames it
    ("云州市完善城南大道配套工程。", [("城南大道配套工程", N)]),
    ("云州市集中开工城南大道等项目。", [("城南大道", N)]),
    ("县政府督促公司加快城南大道建设。", [("城南大道建设", N)]),
    # --- issue 13, round 3 (scripts/candidate_misses.py): a list item that goes on naming past
    # its named prefix is named whole; a verb inside a name jieba does not know; a name that
    # runs on into words no name has keeps its named prefix ------------------------------------
    ("云州新区文教园区东片公寓楼群、青禾县城南大道已开工。",
     [("云州新区文教园区东片公寓楼群", N), ("青禾县城南大道", N)]),
    ("云州双桥空港物流区国际冷链贸易总部建设、桐山区城西片区危旧房改造项目、云州市轨道交通3号线二期工程进展顺利。",
     [("云州双桥空港物流区国际冷链贸易总部建设", N), ("桐山区城西片区危旧房改造项目", N),
      ("云州市轨道交通3号线二期工程", N)]),
    ("跃鹿森林怡养小镇项目开工。", [("跃鹿森林怡养小镇项目", N)]),
    ("加快跃鹿森林怡养小镇项目建设。", [("跃鹿森林怡养小镇项目建设", N)]),
    ("桐溪引水工程全长18公里输水隧洞已贯通。", [("桐溪引水工程", N)]),
    # a longest named prefix the judge rejects gives way to a shorter one it accepts (线路 ends
    # no name), and a facility word after a name, at a word's start, is no suffix running on
    ("青禾县35千伏输变电项目线路顺利建成投运。", [("青禾县35千伏输变电项目", N)]),
    ("云州市城南大道路灯安装完成。", [("云州市城南大道", N)]),
    # ... but a list item whose tail tells what happens keeps only its name, outside a list the
    # name ends at its prefix, and a function word is no unknown name
    ("桐山水库顺利截流、滨江大桥已完工。", [("桐山水库", N), ("滨江大桥", N)]),
    # (its longest named prefix: 公寓 is a suffix too)
    ("云州新区文教园区东片公寓楼群已开工。", [("云州新区文教园区东片公寓", N)]),
    ("要把城南大道建成精品工程。", [("城南大道", N)]),
    # a list closed by 等N个项目 stays a list when one of its items is long (a company and its
    # product), and 在建 may stand between the count and 项目
    ("鑫达建材、云州华泰纸业有限公司年产20万吨高档生活用纸、宏远机械等3个项目已开工。",
     [("鑫达建材", N), ("云州华泰纸业有限公司年产20万吨高档生活用纸", N), ("宏远机械", N)]),
    ("鑫达建材、华泰纸业、宏远机械等3批在建项目加快推进。", [("鑫达建材", N), ("华泰纸业", N), ("宏远机械", N)]),
    # ... but a list that is mostly activities is none
    ("疏浚、整治河道、清淤等3个项目完工。", []),
    # --- issue 13, round 4: an amount is framing before a name (投资9.9亿元建设 | …项目) ----------
    ("云州市引进鑫达集团投资9.9亿元建设鑫达新材料产业园项目。", [("鑫达新材料产业园项目", N)]),
    ("青禾县引进约5000万元新建桐溪冷链物流园项目。", [("桐溪冷链物流园项目", N)]),
    ("总投资3亿元的凤栖大桥已建成。", [("凤栖大桥", N)]),
    # ... a capacity or a length is no amount: it stays in the name
    ("鑫达年产5万吨新型墙材项目开工。", [("鑫达年产5万吨新型墙材项目", N)]),
    ("青禾县110千伏桐溪变电站投入运行。", [("青禾县110千伏桐溪变电站", N)]),
    ("城南大道总投资3亿元，已完工。", [("城南大道", N)]),
    # --- quotes that wrap a whole name (or a name and its 项目/工程/建设) are no part of it ---------
    ("实施“青禾县城乡电网升级供电项目”总投资3亿元。", [("青禾县城乡电网升级供电项目", N)]),
    ("加快“鑫达智能制造产业园”建设。", [("鑫达智能制造产业园", N)]),
    ("二、“G329云州段改扩建”进展顺利。", [("G329云州段改扩建", N)]),
    # ... but quotes inside a name, or before more of it, stay
    ("“桐溪智谷”科创中心项目已交付使用。", [("“桐溪智谷”科创中心项目", N)]),
    ("加快“云州芯谷”集成电路产业园建设。", [("“云州芯谷”集成电路产业园建设", N)]),
    # --- a bracket after a percentage or an amount holds text of its own ----------------------
    ("全县完成投资进度85%（城南幼儿园进展缓慢、鑫达产业园二期推进较慢）。",
     [("城南幼儿园", N), ("鑫达产业园二期", N)]),
    ("完成年度计划的92%（其中城南大道已完工）。", [("城南大道", N)]),
    ("完成投资3.2亿元（其中城南大道1.2亿元、滨江大桥2亿元）。", [("城南大道", N), ("滨江大桥", N)]),
    # ... any other bracket stays with the name before it
    ("开工建设凤栖大道（一期）工程。", [("凤栖大道（一期）工程", N)]),
    ("G329（云州段）改扩建工程开工。", [("G329（云州段）改扩建工程", N)]),
    ("青禾煤矿扩建（300万吨/年）等项目正抓紧建设。", [("青禾煤矿扩建", N)]),
    ("桐溪高速公路（云州境）已通车。", [("桐溪高速公路（云州境）", N)]),
    # ... but a bracket that gives another name for it (又称, 简称, 以下简称) is no part of the name
    ("2、城南新居工程（又称滨江新居工程）。一期320套房屋已交付。", [("城南新居工程", N)]),
    ("云州港三期码头工程（以下简称三期码头）已开工。", [("云州港三期码头工程", N)]),
    # --- the last item lends its suffix to bare items of three or more that are one common word
    # each (jieba reads 胜利 as a verb, 团结 as an adjective), not to sizes or kinds of work
    ("红旗、胜利、团结水库完成除险加固。", [("红旗", "红旗水库"), ("胜利", "胜利水库"), ("团结水库", N)]),
    ("小型、中型、大型水库完成除险加固。", []),
    ("新增、改建、扩建污水处理厂。", []),
    # --- 及 ending a 、-list joins its last item: a name of common words before a suffix will do,
    # a part of the item before it (连接线, 配套工程, 输水管网) stays with it
    ("城南大道、滨江大桥及青石水库建成。", [("城南大道", N), ("滨江大桥", N), ("青石水库", N)]),
    ("城南大道、滨江大道及连接线工程建成。", [("城南大道", N), ("滨江大道及连接线工程", N)]),
    ("城南水厂、北郊泵站及输水管网工程建成。", [("城南水厂", N), ("北郊泵站及输水管网工程", N)]),
    # --- the suffix shared after 等 is the class's, which ends at its first verb: what follows is
    # what is done to the items (等乡镇 | 完成…整治 lends nothing), a verb names use goes on
    ("龙潭、石门等水库完成除险加固。", [("龙潭", "龙潭水库"), ("石门", "石门水库")]),
    ("城东、城西等新兴产业基地加快建设和提升。", [("城东", "城东基地"), ("城西", "城西基地"), ("新兴产业基地", N)]),
    ("龙潭、石门等小型水库除险加固。", [("龙潭", "龙潭水库"), ("石门", "石门水库")]),
    ("黄岭、白沙、青石等乡镇完成人居环境整治。", [("人居环境整治", N)]),
    ("黄岭、白沙、青石等乡镇加快推进集镇改造。", [("集镇改造", N)]),
    ("黄岭、白沙等村实施道路硬化。", []),
    # --- a phase jieba tags as an adverb (一期) is no adverb: the verb inside the name stays inside
    ("青禾县跃进大道一期工程已开工。", [("青禾县跃进大道一期工程", N)]),
    ("云州市重视滨江大道一期工程。", [("滨江大道一期工程", N)]),
    # --- facility heads (厂房, 研究院, 路网, 市场 …) end names, with a phase mark after them;
    # a bare one or a market in the economy's sense names nothing
    ("河口经开区标准化厂房二期建成投用。", [("河口经开区标准化厂房二期", N)]),
    ("青禾县人才公寓项目开工。", [("青禾县人才公寓项目", N)]),
    ("云州农产品批发市场建成。", [("云州农产品批发市场", N)]),
    ("云州新材料研究院加快建设。", [("云州新材料研究院", N)]),
    ("新建标准化厂房5万平方米。", []),
    ("积极开拓国内外市场。", []),
    ("建设人才公寓。", []),
    # a hospital's or a school's new site (院区) is a facility of its own; a bare one is none
    ("青禾县人民医院新院区建设加快推进。", [("青禾县人民医院新院区建设", N)]),
    ("云州医院城东院区开工。", [("云州医院城东院区", N)]),
    ("医院新院区建设加快推进。", []),
    # --- a meeting point or link after 与/和/及 makes one name of both sides; without one, or
    # behind a list mark, the two stay two
    ("城南大道与滨江路交叉口改造工程已完工。", [("城南大道与滨江路交叉口改造工程", N)]),
    ("青石河和白沙河水系连通工程开工建设。", [("青石河和白沙河水系连通工程", N)]),
    ("云州大道及机场路连接线工程加快建设。", [("云州大道及机场路连接线工程", N)]),
    ("城南大道与滨江大桥均已完工。", [("城南大道", N), ("滨江大桥", N)]),
    ("城南大道与滨江大桥、青禾路交叉口渠化工程均已完工。",
     [("城南大道", N), ("滨江大桥", N), ("青禾路交叉口渠化工程", N)]),
    # --- a count after an item closes the list of the items it counts, also inside a longer
    # list: the pair before 两个 shares the class, the items before them do not
    ("集中开工的项目有：云州大道改建工程、青溪和白滩两个渔港改造工程、桐山小学等。",
     [("云州大道改建工程", N), ("青溪", "青溪改造"), ("白滩", "白滩改造"), ("桐山小学", N)]),
    # (the list around the counted pair stays one list: its items are named as before)
    ("开工的项目有：云州鑫达年产3万吨新材料项目（以下简称“鑫达项目”）、桐溪县人民医院传染病区及发热门诊楼、"
     "云州大道改建工程、青溪和白滩两个渔港改造工程、桐山小学等。",
     [("云州鑫达年产3万吨新材料项目", N), ("桐溪县人民医院传染病区及发热门诊楼", N), ("云州大道改建工程", N),
      ("青溪", "青溪改造"), ("白滩", "白滩改造"), ("桐山小学", N)]),
    ("城南大道、青岩和白马两座水库均已完工。", [("城南大道", N), ("青岩", "青岩水库"), ("白马", "白马水库")]),
    ("东坪、西岭、南湾3个中型灌区已开工建设。", [("东坪", "东坪灌区"), ("西岭", "西岭灌区"), ("南湾", "南湾灌区")]),
    # --- a member named by a one-character suffix of its own (路, 街, 桥) of a list whose class
    # names works: its project is the works on it; a class that names no works lends nothing
    ("鹭汀路和鹤屿路两条道路的提升改造工程完成投资。",
     [("鹭汀路", "鹭汀路提升改造工程"), ("鹤屿路", "鹤屿路提升改造工程")]),
    ("实施桐溪路、云山街等道路改造工程。", [("桐溪路", "桐溪路改造工程"), ("云山街", "云山街改造工程")]),
    ("建成白沙坝、红石坝等3座水库。", [("白沙坝", N), ("红石坝", N)]),
    ("桐溪路、云山街等道路已通车。", [("桐溪路", N), ("云山街", N)]),
    ("城南大道、滨江大桥等道路桥梁改造工程完工。", [("城南大道", N), ("滨江大桥", N)]),
    # --- a status word that names use (续建, 装修), between a facility and the words that go on
    # naming it up to a suffix, is part of the name when a later cue of its clause states the
    # name's state; alone, or with nothing named after it, it is the state
    ("青禾县北部灌区续建配套与节水改造项目完成渠道衬砌12.5公里。", [("青禾县北部灌区续建配套与节水改造项目", N)]),
    ("白马水库续建工程进展顺利。", [("白马水库续建工程", N)]),
    ("云州市政务中心装修工程已完工。", [("云州市政务中心装修工程", N)]),
    ("白马水库续建工程总投资3亿元。", [("白马水库", N)]),
    ("白马水库续建，进展顺利。", [("白马水库", N)]),
    ("白马水库续建后将发挥效益。", [("白马水库", N)]),
    # --- a list item that goes on naming past its named prefix is named whole: a part joined by
    # 及 with nothing distinguishing of its own stays inside it (the clinic of that hospital)
    ("开工的项目有：桐溪县人民医院传染病区及发热门诊楼、云州大道改建工程等。",
     [("桐溪县人民医院传染病区及发热门诊楼", N), ("云州大道改建工程", N)]),
    # --- not projects -------------------------------------------------------------------------
    ("电子信息、新材料等8个产业项目已签约。", []),
    ("疏浚、清淤等3个项目完工。", []),
    ("重点推进教育等12个项目。", []),
    ("全县3个乡镇，包括东坪、西岭、南湾，建成水厂。", []),
    ("张明、李强等5名代表出席开工仪式。", []),
    # --- a part of a facility named right after its name (主桥, 主线, 大坝, 主体工程; a park's
    # office building) is its component: the project is the name before it. A name that is
    # only the part's word (云州大坝), a school's building and a phase stay whole
    ("青禾大桥主桥已于5月合龙。", [("青禾大桥", N)]),
    ("城东快速路高架桥主线全线贯通。", [("城东快速路高架桥", N)]),
    ("云州水库工程大坝填筑完成。", [("云州水库工程", N)]),
    ("白岩滩水电站厂房施工全面铺开。", [("白岩滩水电站", N)]),
    ("北港物流园综合办公楼正在装修。", [("北港物流园", N)]),
    ("云州大坝加固完成。", [("云州大坝", N)]),
    ("云州中学教学楼已封顶。", [("云州中学教学楼", N)]),
    ("青禾县人民医院门诊综合楼加快建设。", [("青禾县人民医院门诊综合楼", N)]),
    ("青禾大桥二期已开工。", [("青禾大桥二期", N)]),
    # --- 以及 joins a list's last item as 和 does: the items before it stay the list's -----------
    ("开工的还有鹏远机械、金禾纸业以及华辰电子等12个产业项目。",
     [("鹏远机械", N), ("金禾纸业", N), ("华辰电子", N)]),
    ("青峰大桥、白沙水厂以及南湖中学建成投用。", [("青峰大桥", N), ("白沙水厂", N), ("南湖中学", N)]),
    ("加快推进城南大道以及滨江大桥建设。", [("城南大道", N), ("滨江大桥建设", N)]),
    ("以及其他配套设施。", []),
    # --- 经开区 is one word: no cut after its 经, whatever place jieba reads before it ----------
    ("主会场开工的沅坪经开区智能装备产业园总投资5亿元。", [("沅坪经开区智能装备产业园", N)]),
    ("楠坪经开区标准厂房四期项目进展缓慢。", [("楠坪经开区标准厂房四期项目", N)]),
    ("某公司经县政府批准建设城南大道。", [("城南大道", N)]),
    # --- facility suffixes: 风电场, 公寓, 商贸城, 保税区 (a place or proper name before them) -----
    ("青峰县石门风电场加快建设。", [("青峰县石门风电场", N)]),
    ("云岭市青年公寓（二期）6月竣工。", [("云岭市青年公寓（二期）", N)]),
    ("云岭国际商贸城二期因资金紧张停工。", [("云岭国际商贸城二期", N)]),
    ("云岭综合保税区二期推迟开工。", [("云岭综合保税区二期", N)]),
    ("风电场建设进展顺利。", []),
    ("人才公寓建设加快推进。", []),
    ("综合保税区加快建设。", []),
    # --- 快速 (an adverb to jieba) inside a road's name, not as a verb's adverb -------------------
    ("云岭快速环线建成通车。", [("云岭快速环线", N)]),
    ("快速推进城南大道建设。", [("城南大道建设", N)]),
    ("项目快速推进。", []),
    # --- national housing programmes (保障性…, 安居) name no undertaking without a place ---------
    ("保障性租赁住房项目、老旧小区改造项目按计划推进。", []),
    ("保障性安居工程加快建设。", []),
    ("青禾县保障性租赁住房项目已开工。", [("青禾县保障性租赁住房项目", N)]),
    ("云州安居小区二期建成。", [("云州安居小区二期", N)]),
    # --- a name after 其 + a part's word (其控制性工程) is a part of the sentence's project -------
    ("城南至青峰高速公路全长46公里，其控制性工程青峰特大桥已于6月合龙。", [("城南至青峰高速公路", N)]),
    ("城南至青峰高速公路全长46公里，控制性工程青峰特大桥已于6月合龙。",
     [("城南至青峰高速公路", N), ("青峰特大桥", N)]),
    ("尤其重点工程青峰特大桥已合龙。", [("青峰特大桥", N)]),
    ("其中青峰特大桥已合龙。", [("青峰特大桥", N)]),
    # --- what runs on past a name's end is cut off (rules/projects.yaml name_run_on): a bracket of
    # what it includes or of its short name, a count of the units it builds, a running total ------
    ("青石大道东延线（含跨江大桥）已于6月建成通车。", [("青石大道东延线", N)]),
    ("白鹭公园（以下称“鹭园”）完成园路铺装。", [("白鹭公园", N)]),
    ("城北新城安置小区一期860套安置房已竣工交付。", [("城北新城安置小区一期", N)]),
    ("城西片区安置房三期项目共建设安置房1620套，已通过竣工验收。", [("城西片区安置房三期项目", N)]),
    # ... but a phase or another name in a bracket, a capacity, 共建 inside a name stay
    ("青禾老城区城市更新项目（一期）已完工。", [("青禾老城区城市更新项目（一期）", N)]),
    ("青禾县体育中心（体育馆）已投入使用。", [("青禾县体育中心（体育馆）", N)]),
    ("瑞丰生物年产2万吨氨基酸项目已建成投产。", [("瑞丰生物年产2万吨氨基酸项目", N)]),
    ("城南共建产业园已开工。", [("城南共建产业园", N)]),
    # --- a ledger item's number before its name in a remark (第8项 …) is no part of the name ------
    ("备注：第8项白马水库除险加固工程补助资金已全部到位。", [("白马水库除险加固工程", N)]),
    ("第一项目部驻地已建成。", []),
    # --- a village or town the segmenter does not know opens a specific name (溪口 | 村 | …中心) ---
    ("桐岭村党群服务中心已完工。", [("桐岭村党群服务中心", N)]),
    ("柏坪镇种苗繁育基地已开工。", [("柏坪镇种苗繁育基地", N)]),
    ("党群服务中心已完工。", []),
    # --- the works done to a named place before it (改扩建 | 桂园幼儿园, 打通 | 松林路) --------
    ("改扩建桂园幼儿园、柏树湾小学。", [("桂园幼儿园", N), ("柏树湾小学", N)]),
    ("打通松林路、桂香街等断头路。", [("松林路", N), ("桂香街", N)]),
    ("扩建工程已完工。", []),
    ("劳务报酬占比序号4松坡村通组公路最高。", [("松坡村通组公路", N)]),
    ("编号12桂园社区停车场已交付。", [("桂园社区停车场", N)]),
    # --- a speaker's "just", "take" (光是, 单是, 就拿) frames the name after it --------------------
    ("资金缺口不小，光是松溪河综合治理工程就还差1.2亿元。", [("松溪河综合治理工程", N)]),
    # --- a transcript's speaker tag in 【】 is no part of the name after it --------------------
    ("【县水利局局长　某某】岩口水库除险加固工程上月完工。", [("岩口水库除险加固工程", N)]),
    ("【答】桃坪片区污水管网工程已经投用。", [("桃坪片区污水管网工程", N)]),
    # --- places of one level, the last naming the works they share (甲村、乙村、丙村 | 道路硬化项目):
    # each place is an item, its alt the place with those works --------------------------------
    ("甲山村、乙河村、丙岭村通组公路硬化项目已开工。",
     [("甲山村", "甲山村通组公路硬化项目"), ("乙河村", "乙河村通组公路硬化项目"), ("丙岭村通组公路硬化项目", N)]),
    ("甲山村、丙岭村道路硬化项目已开工。", [("甲山村", "甲山村道路硬化项目"), ("丙岭村道路硬化项目", N)]),
    # (half the places proper is enough: jieba reads 茶园村 as a common noun and a level word)
    ("加快推进东坪村、茶园村、南湾村通组公路硬化项目。", [("东坪村", "东坪村通组公路硬化项目"),
                                              ("茶园村", "茶园村通组公路硬化项目"), ("南湾村通组公路硬化项目", N)]),
    # ... places of no administrative level (东山沟) stay unread in a sentence (any ending:
    # train 0.823 -> 0.822), as do roads sharing the works (each is a name of its own)
    ("加快推进东山沟、西岭沟、南坪沟治理工程。", []),
    # ... not places of different levels, nor sectors closed by 项目
    ("城关镇、白沙村、红岩村道路硬化项目已开工。", []),
    ("电子信息、新材料、生物医药产业园项目加快推进。", []),
    # --- a verb right before the class's suffix word names the facility (等物流 | 分拨 | 中心) ---
    ("青川县、白石县等县级物流分拨中心加快建设。", [("青川县", "青川县中心"), ("白石县", "白石县中心")]),
    ("黄岭、白沙、青石等乡镇完成人居环境整治。", [("人居环境整治", N)]),
    # --- a contract section or tender lot is a component, no project (contract_section) --------
    ("项目共划分为4个施工标段：QA1、QA2合同段已于9月底交工验收，QA3合同段路基完成98%。", []),
    # ... but the name of the project a section is of, written before it, is that project's
    # (`section_after_name`; the section's own state is no concern of the candidate)
    ("青峰快速路提质改造六标段完工。", [("青峰快速路提质改造", N)]),
    # ... a section of a road named by its place is a project
    ("青石大道北段已通车。", [("青石大道北段", N)]),
    # --- a class of projects (…类项目) and a class of roads (国省干线公路) head a list, no project --
    ("一、产业发展类项目", []),
    ("（一）国省干线公路。G901线青石至白沙段改建工程全长12公里。", [("G901线青石至白沙段改建工程", N)]),
    # ... but a place makes works on them one undertaking
    ("青禾县国省干线公路改造工程已完工。", [("青禾县国省干线公路改造工程", N)]),
    # --- who runs or hosts a page (主办：/承办：, its footer) is no project (unit_label_before) ---
    ("主办：青禾县人民政府办公室　　承办：青禾县大数据中心", []),
    ("青禾县大数据中心项目已开工。", [("青禾县大数据中心项目", N)]),
    # ... nor is an office's address (地址：)
    ("联系电话：0123-4567890　地址：青禾县便民服务中心三楼", []),
    # --- who builds a row's project, in a table's organisation column, is no project ----------
    # (organisation_column: 建设单位 / 施工单位 over the cells; a later table of the same shape
    # under a heading keeps the header's columns)
    ("序号|工程名称|建设单位|施工单位\n1|青禾县人民医院住院楼|青禾县人民医院|甲建工集团有限公司\n"
     "二、在建工程\n2|青禾县博物馆新馆|青禾县博物馆|乙建设有限公司\n",
     [("青禾县人民医院住院楼", N), ("青禾县博物馆新馆", N)]),
    ("序号\t项目名称\t项目业主\t规模\n1\t青禾县第一中学体育馆\t青禾县第一中学\t6000平方米\n",
     [("青禾县第一中学体育馆", N)]),
    # ... and a drawn table's (│ between the cells)
    ("│序号│工程名称│建设单位│\n│1│青禾县人民医院住院楼│青禾县人民医院│\n",
     [("青禾县人民医院住院楼", N)]),
    # must not: with no organisation column, a cell naming a building is proposed
    ("序号|工程名称|配套|规模\n1|青禾县人民医院住院楼|青禾县人民医院停车楼|3万平方米\n",
     [("青禾县人民医院住院楼", N), ("青禾县人民医院停车楼", N)]),
    # --- a project department (项目部) and a quality station are organisations; an award title
    # (“甲江杯”优质工程) is no project
    ("先进集体：甲建工集团城南大道项目部、青禾县建设工程安监站。", []),
    ("拟授予以下工程“甲江杯”优质工程称号。", []),
    # --- projects built by an agent (代建) are a class as 续建 ones are, unless a place names one --
    ("一是个别代建项目前期工作滞后。", []),
    ("城南代建安置小区已交付。", [("城南代建安置小区", N)]),
    # --- 其中 + the line's controlling works names a part of the sentence's project --------------
    ("青溪高速公路青陵段路基完成62%，其中全线控制性工程乌山隧道左洞已于11月贯通。", [("青溪高速公路青陵段", N)]),
    ("其中重点项目白沙大桥已合龙。", [("白沙大桥", N)]),
    # --- a word the joiner opens right after a name's suffix (jieba's 和县) joins two names ------
    ("书记察看了青禾县供水一体化工程、鹿岭水库扩容工程和县冷链物流中心等项目。",
     [("青禾县供水一体化工程", N), ("鹿岭水库扩容工程", N), ("县冷链物流中心", N)]),
    ("白石产业园项目和县城污水处理厂均已开工。", [("白石产业园项目", N), ("县城污水处理厂", N)]),
    ("鹿岭水库扩容工程和平安大道改造工程同步推进。", [("鹿岭水库扩容工程", N), ("平安大道改造工程", N)]),
    # must not: no suffix before the word (和平镇 stays inside the name)
    ("青禾县和平镇卫生院扩建工程已完工。", [("青禾县和平镇卫生院扩建工程", N)]),
    # --- a list of proper items whose last one ends in 项目/工程 shares it, as 等项目 would ------
    ("桐林建材扩能、鹿溪纸业技改和云杉机械搬迁项目加快推进。",
     [("桐林建材扩能", "桐林建材扩能项目"), ("鹿溪纸业技改", "鹿溪纸业技改项目"), ("云杉机械搬迁项目", N)]),
    ("桐林水厂提标、鹿溪污水厂扩容、云杉泵站改造工程已完工。",
     [("桐林水厂提标", "桐林水厂提标工程"), ("鹿溪污水厂扩容", "鹿溪污水厂扩容工程"), ("云杉泵站改造工程", N)]),
    # must not: a list of sectors or of tasks closed by 项目/工作
    ("电子信息、新材料、生物医药产业项目加快集聚。", []),
    ("热带农业、医药产业、低碳制造业项目加快推进。", []),
    ("加强组织领导、完善资金保障和强化督查考核工作。", []),
    # --- a verbal noun of inspecting or visiting right before a place (or before 了 and a
    # place) frames the name after it -----------------------------------------------------------
    ("市领导调研了桐林新区综合管廊项目。", [("桐林新区综合管廊项目", N)]),
    ("督导检查桐林大道改造工程进展。", [("桐林大道改造工程", N)]),
    # must not: a verbal noun inside a name after its place stays (综合管廊)
    ("桐林新区综合管廊项目已开工。", [("桐林新区综合管廊项目", N)]),
    # --- a contract section written after its project's name is its part: the project is the
    # name before it (`section_after_name`), trimmed at its start as any name -----------------
    ("今天上午，S217省道柳坪段改扩建工程二标段完成最后一片T梁架设。", [("S217省道柳坪段改扩建工程", N)]),
    ("桐溪大桥工程土建第3标段进展顺利。", [("桐溪大桥工程", N)]),
    ("鹿鸣快速路的QA2合同段已开工。", [("鹿鸣快速路", N)]),
    ("白沙河治理工程\n三标段已完工。", [("白沙河治理工程", N)]),
    # must not: sections alone, a section after no name, a 段 of the road itself
    ("QA1、QA2合同段已开工。", []),
    ("青禾县二标段已开工。", []),
    ("青石大道北段已通车。", [("青石大道北段", N)]),
    # --- with a bracket after a name cut off (a short form, what it includes), the name's start
    # is trimmed as any name's: a verb of visiting before it frames it -------------------------
    ("下周带大家走进桐林抽水蓄能电站（以下简称“桐林抽蓄”），看看进展到哪了。", [("桐林抽水蓄能电站", N)]),
    ("记者走访了鹿溪三桥接线工程（简称“三桥”）。", [("鹿溪三桥接线工程", N)]),
    ("昨天我们去了云杉物流园项目（含冷链仓库）。", [("云杉物流园项目", N)]),
    # must not: a name opening with a place keeps it; a note in brackets stays
    ("桐林抽水蓄能电站（以下简称“桐林抽蓄”）已开工。", [("桐林抽水蓄能电站", N)]),
    ("青云高速公路（四川境）已通车。", [("青云高速公路（四川境）", N)]),
    # --- a state noted in a bracket after an item (甲路（已通车）、乙桥（在建）) is the item's note:
    # the cue inside cuts no name and the list goes on after the bracket, under a class head too
    # (the items after the first bracket were lost) ----------------------------------------------
    ("竣工项目包括：青松路（已通车）、南湾泵站（已投运）、北坡水厂（已竣工）。",
     [("青松路", N), ("南湾泵站", N), ("北坡水厂", N)]),
    ("在建项目主要有岚江大桥（合龙在即）、西台隧道（已贯通）、云门互通立交（在建）等。",
     [("岚江大桥", N), ("西台隧道", N), ("云门互通立交", N)]),
    ("新开工项目有：白杨产业园标准厂房（3月开工）、东坝泵站（5月开工）。",
     [("白杨产业园标准厂房", N), ("东坝泵站", N)]),
    ("续建项目有：桂山路延伸工程（路基已完成）、东港物流园（在建）、南湖片区安置房（主体施工）。",
     [("桂山路延伸工程", N), ("东港物流园", N), ("南湖片区安置房", N)]),
    ("拟验收项目包括城北供水厂扩建工程（已于6月完工）、白石桥改造工程（8月底已恢复通车）。",
     [("城北供水厂扩建工程", N), ("白石桥改造工程", N)]),
    ("目前松溪小学（已完工）、柳湾卫生院（装修中）、桐岭敬老院（主体完工）均已基本建成。",
     [("松溪小学", N), ("柳湾卫生院", N), ("桐岭敬老院", N)]),
    ("1. 翠湖隧道（已贯通）、望江楼片区安置房（前期）、新港三期码头（在建）",
     [("翠湖隧道", N), ("望江楼片区安置房", N), ("新港三期码头", N)]),
    ("| 长宁快速路（已通车）、西林水厂（在建） | 良好 |", [("长宁快速路", N), ("西林水厂", N)]),
    ("云岭隧道（左洞已贯通）已完成总工程量的80%。", [("云岭隧道", N)]),
    # a bracket of a former name after a name is no part of it (…回迁房 | （原名“…”）)
    ("棚改安置项目有柳垟片区回迁房（原名“窑口新村”）和桐溪安置小区。", [("柳垟片区回迁房", N), ("桐溪安置小区", N)]),
    # an industrial process a works' name holds (熔炼, 开采) is no verb framing it
    ("桐溪精工机械有限公司熔炼车间改造项目已通过验收。", [("桐溪精工机械有限公司熔炼车间改造项目", N)]),
    ("柳垟镇石灰岩矿开采项目获批。", [("柳垟镇石灰岩矿开采项目", N)]),
    # a demonstrative and its classifier point at the name after them (这座 | 甲大桥)
    ("解说：这座柳垟大桥是县里今年的民生实事之一，桥长一百一十米。", [("柳垟大桥", N)]),
    ("那条桐溪大道上个月已经通车了。", [("桐溪大道", N)]),
    # a one-character verb and the bare suffix it takes (跨 | 铁路) name nothing; 跨江 is a word
    ("桐溪大道9月开工后，因跨铁路节点方案调整，10月下旬起停工。", [("桐溪大道", N)]),
    ("柳垟跨江大桥已合龙。", [("柳垟跨江大桥", N)]),
    # an exclusion's 除 frames the name after it (以上项目除 | 甲工程…外)
    ("以上项目除蓼汀县殡葬服务中心迁建工程外，其余均已开工。", [("蓼汀县殡葬服务中心迁建工程", N)]),
    # a count inside a list closes the bare items before it, after an item with a suffix of its own
    ("竣工项目9个，主要有：沙溪县人民医院综合楼、柳溪、桐坞、石岙3个村集中供水工程、沙溪县图书馆新馆。",
     [("沙溪县人民医院综合楼", N), ("柳溪", N), ("桐坞", N), ("石岙", N), ("沙溪县图书馆新馆", N)]),
    # a list announced by its count, an item's note holding money spent (the cue 完成投资)
    ("续建项目6个，年内完成投资9亿元，主要有：桂川大道（累计完成投资3亿元）、柳垟水库（年内完成投资1.2亿元）、东岙水厂。",
     [("桂川大道", N), ("柳垟水库", N), ("东岙水厂", N)]),
    # must not: a note with no state stays in the name; a bracket after an amount holds text of
    # its own; a bracket before any name names none
    ("城南大道（二期）、滨河公园（东段）均已开工。", [("城南大道（二期）", N), ("滨河公园（东段）", N)]),
    ("全年完成投资85%（其中云台水库进展缓慢）。", [("云台水库", N)]),
    ("（已开工）项目12个，完成投资3亿元。", []),
]


@pytest.fixture(scope="module")
def extract(rules: RuleSet) -> ProjectExtractor:
    return ProjectExtractor(rules)


@pytest.mark.parametrize(("text", "expected"), CANDIDATES)
def test_candidates(extract: ProjectExtractor, text: str, expected: list[tuple[str, str | None]]) -> None:
    found = extract(text)
    assert [(m.name, m.alt) for m in found] == expected
    assert all(text[m.start:m.end] == m.name for m in found)     # exact spans


LEDGER = ("1.鑫达建材年产5万吨新型墙材，总投资2亿元，已开工。\n2.华泰纸业技改扩能，正在施工。\n"
          "3.青禾县城南大道，已完工。\n4.云州市滨江大桥，已完工。\n")
MEASURES = "1.加强组织领导，确保到位。\n2.云州资金保障，确保到位。\n3.青禾县城南大道，已完工。\n"


ENTRIES = ("鑫达新材料：总投资3.2亿元，建筑面积5万平方米，目前已投产。\n华泰纸业：总投资1.5亿元，主体已完工。\n"
           "桐溪冷链：建设内容为冷库及配套设施，正在施工。\n")


@pytest.mark.parametrize(("text", "expected"), [
    # lines opening with a name, a colon and its figures: the entries of a ledger without ordinals
    (ENTRIES, ["鑫达新材料", "华泰纸业", "桐溪冷链"]),
    (ENTRIES + "城南大道改造工程：总投资2亿元，已完工。\n",
     ["鑫达新材料", "华泰纸业", "桐溪冷链", "城南大道改造工程"]),
    # ... and an area's works led by the area they cover (建设面积…: farmland parts of a programme)
    ("任务分三个片区实施：\n东坝片区：建设面积1.2万亩，已完工。\n西湾片区：建设面积0.9万亩，正在施工。\n"
     "南岭片区：建设面积1.1万亩，进度滞后。\n", ["东坝片区", "西湾片区", "南岭片区"]),
    # ... but not fewer than three such lines, nor lines that name a task or a measure
    ("鑫达新材料：总投资3.2亿元，目前已投产。\n华泰纸业：总投资1.5亿元，主体已完工。\n", []),
    ("主要目标：总投资完成10亿元。\n工作重点：投资向民生倾斜。\n加强管理：投资效益提高。\n", []),
    # ... nor a name and a colon followed by anything but the project's figures
    ("鑫达新材料：已投产。\n华泰纸业：主体已完工。\n桐溪冷链：正在施工。\n", []),
])
def test_unnumbered_ledger_entries(extract: ProjectExtractor, text: str, expected: list[str]) -> None:
    found = sorted(extract(text), key=lambda m: m.start)
    assert [m.name for m in found] == expected
    assert all(text[m.start:m.end] == m.name for m in found)


@pytest.mark.parametrize(("text", "expected"), [
    (LEDGER, ["鑫达建材年产5万吨新型墙材", "华泰纸业技改扩能", "青禾县城南大道", "云州市滨江大桥"]),
    # one numbered line with a suffix is no ledger of projects: its other lines stay unnamed
    (MEASURES, ["青禾县城南大道"]),
    # other ordinals of a post or a list (3/ , 2) , 4）) open numbered lines as 1. does
    ("1/ 桐林大道改造工程：路基已完成。\n2/ 鹿溪生态绿廊：绿道已贯通。\n3/ 云岭污水处理厂三期：正在调试。\n",
     ["桐林大道改造工程", "鹿溪生态绿廊", "云岭污水处理厂三期"]),
    ("1)桐林大道改造工程，已完工。\n2)鹿溪生态绿廊，已贯通。\n3）云岭污水处理厂三期，正在调试。\n",
     ["桐林大道改造工程", "鹿溪生态绿廊", "云岭污水处理厂三期"]),
    # lines opening with one bullet symbol are one ledger: its bare lines are vouched for by its
    # named ones, not by the lines of another bullet (▶ what is said of each)
    ("📍桐林大道改造工程\n▶ 路基已完成\n📍鹿溪大剧院\n▶ 预计明年开工\n📍云岭污水处理厂三期\n▶ 正在调试\n"
     "📍鹿溪体育公园\n▶ 本月投用\n", ["桐林大道改造工程", "鹿溪大剧院", "云岭污水处理厂三期", "鹿溪体育公园"]),
    ("■ 桐林大道改造工程\n■ 鹿溪大剧院\n■ 云岭污水处理厂三期\n",
     ["桐林大道改造工程", "鹿溪大剧院", "云岭污水处理厂三期"]),
    # ... but not when fewer than half of its lines name a project
    ("◆ 桐林大道改造工程\n◆ 鹿溪生态绿廊\n◆ 云岭污水处理厂三期\n◆ 南岸组团\n◆ 白沙组团\n◆ 青石组团\n"
     "◆ 柳塘组团\n", ["桐林大道改造工程", "云岭污水处理厂三期"]),
    # ... but a fraction opens no line, and a line of two ledger-less items names no bare one
    ("1/2的路段已完工。\n1/3的管网已铺设。\n鹿溪生态绿廊已贯通。\n", []),
    # bare lines right below a group heading (one short item a line, no mark) are its members too
    ("代表项目：\n桐林科学城一期\n鹿溪汽车零部件产业园\n云杉滨水公园\n区妇幼保健院新院\n",
     ["桐林科学城一期", "鹿溪汽车零部件产业园", "云杉滨水公园", "区妇幼保健院新院"]),
    ("新开工项目👇\n鹿溪体育公园\n区妇幼保健院新院\n", ["鹿溪体育公园", "区妇幼保健院新院"]),
    # ... but the run ends at a line with a clause mark or a blank line, and a line naming one
    # project is no heading over the lines below it
    ("代表项目：\n鹿溪体育公园\n区妇幼保健院新院已于5月开工，进展顺利。\n", ["鹿溪体育公园"]),
    ("鹿溪体育公园项目\n妇幼保健院新院\n", ["鹿溪体育公园项目"]),
    # numbered lines right below a group heading are its members, however few name a suffix
    ("（三）储备项目\n1.鑫达建材\n2.华泰纸业\n3.宏远机械\n", ["鑫达建材", "华泰纸业", "宏远机械"]),
    ("二、已竣工项目\n1.城南大道\n2.鑫达建材\n", ["城南大道", "鑫达建材"]),
    # a table flattened from a PDF: a row's first cell after its number, as a numbered line
    ("序号  项目名称  建设地点\n1  城南大道改造工程  青禾县\n2  鑫达建材  云州区\n3  华泰纸业技改  云州区\n"
     "4  滨江大桥  青禾县\n", ["城南大道改造工程", "鑫达建材", "华泰纸业技改", "滨江大桥"]),
    # ... but not a table of measures
    ("1  加强组织领导  县委\n2  云州资金保障  县政府\n3  青禾县城南大道  交通局\n", ["青禾县城南大道"]),
    # ... not below a project's own name, and not lines that name measures
    ("（三）城南大道项目\n1.鑫达建材\n2.华泰纸业\n3.宏远机械\n", ["城南大道项目"]),
    ("（三）储备项目\n1.加强组织领导\n2.完善资金保障\n", []),
])
def test_numbered_ledger_items(extract: ProjectExtractor, text: str, expected: list[str]) -> None:
    found = sorted(extract(text), key=lambda m: m.start)
    assert [m.name for m in found] == expected


# how many items a count closing a list says it counts (0: no plain number, the whole list)
COUNT_VALUES = [("3个", 3), ("两座", 2), ("十二项", 12), ("二十处", 20), ("12条", 12), ("十座", 10), ("多个", 0)]


@pytest.mark.parametrize(("count", "value"), COUNT_VALUES)
def test_how_many_a_count_closing_a_list_says(count: str, value: int) -> None:
    assert _count_value(count) == value


# a count of the villages the items are (东湖、西塘两村…) closes the list as 两个 does: each
# village is a member (its alt, the village's works, is left to the list's reading)
PLACE_COUNTS = [
    ("东湖、西塘两村城中村改造项目进展缓慢。", ["东湖", "西塘"]),
    ("东湖、西塘两个村的产业路硬化工程已完工。", ["东湖", "西塘"]),
    # must not: a count of projects after a village's works is no count of villages
    ("东湖村道路硬化、西塘村道路硬化两个项目已完工。", ["东湖村道路硬化", "西塘村道路硬化"]),
]


@pytest.mark.parametrize(("text", "names"), PLACE_COUNTS)
def test_a_count_of_villages_closes_a_list(extract: ProjectExtractor, text: str, names: list[str]) -> None:
    assert [m.name for m in extract(text)] == names


# A ledger flattened from a PDF table whose name cells wrap onto the next line, with the other
# columns' text between the halves (invented).
WRAPPED = (
    "序号 项目名称          建设内容          总投资  年度计划 形象进度\n"
    "1    青禾县城南再生水  新建再生水处理    32000   8000     主体完工\n"
    "     厂一期工程        设施2万吨/日\n"
    "2    云州滨江物流园    新建仓储用房      18000   6000     正在进行\n"
    "     二期                                                 基础施工\n"
    "3    鑫达建材年产5万吨 新建生产线        12000   3000     已投产\n"
    "     新型墙材项目\n"
    "4    白沙镇、红岩镇文  改造活动用房      1200    1200     已招标\n"
    "     化站改造\n"
    "5    青石河综合治理    疏浚河道8公里     9000    3000     已完工\n"
    "     合计                                72200   21200\n"
)


@pytest.mark.parametrize(("text", "expected"), [
    # the halves of a wrapped name cell are one name (its span: the half on the row's line)
    (WRAPPED, [("青禾县城南再生水厂一期工程", "青禾县城南再生水"), ("云州滨江物流园二期", "云州滨江物流园"),
               ("鑫达建材年产5万吨新型墙材项目", "鑫达建材年产5万吨"), ("白沙镇", "白沙镇"),
               ("红岩镇文化站改造", "红岩镇文"), ("青石河综合治理", "青石河综合治理")]),
    # a totals row (合计) in the name's column is no part of the name above it; text in another
    # column (the content's, the progress') continues no name
    ("1    青石河综合治理    疏浚河道8公里     9000    3000     已完工\n"
     "     合计                                72200   21200\n"
     "2    白马水库          新建大坝          8000    2000     正在\n"
     "                       及溢洪道                          施工\n", [("青石河综合治理", "青石河综合治理"),
                                                                         ("白马水库", "白马水库")]),
    # a numbered line of prose (no table of four cells) joins nothing
    ("1 青禾县城南大道改造，已完工。\n  二期正在施工。\n", [("青禾县城南大道改造", "青禾县城南大道改造")]),
])
def test_wrapped_table_cells(extract: ProjectExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    found = sorted(extract(text), key=lambda m: m.start)
    assert [(m.name, text[m.start:m.end]) for m in found] == expected


# A ledger whose cells are parted by single spaces (full-width ones, normalised), its name
# cells the project names whole (invented): works verbs and all, a cell wrapped onto the start
# of the next line joined, places sharing one part each an item.
ROW_CELLS = (
    "序号 项目名称 建设地点 建设内容 资金（万元） 责任单位\n"
    "1 东坪村安全饮水巩固提升 东坪村 新建蓄水池1口 40 镇水利站\n"
    "2 西岭村农村供水保障\n提升 西岭村 铺设管网3公里 46 镇水利站\n"
    "3 南湾村、北坡村、石门村村庄亮化 3个村 安装路灯120盏 30 镇建设办\n"
    "4 红岩镇集镇污水管网延伸 集镇老街 铺设管网1公里 35 镇建设办\n"
    "5 职业教育补助 全镇 每人每年补助3000元 18 镇社会事务办\n"
)


@pytest.mark.parametrize(("text", "expected"), [
    (ROW_CELLS, [("东坪村安全饮水巩固提升", "东坪村安全饮水巩固提升", None),
                 ("西岭村农村供水保障提升", "西岭村农村供水保障", None),
                 ("南湾村", "南湾村", "南湾村村庄亮化"), ("北坡村", "北坡村", "北坡村村庄亮化"),
                 ("石门村", "石门村", "石门村村庄亮化"),
                 ("红岩镇集镇污水管网延伸", "红岩镇集镇污水管网延伸", None)]),
    # two rows are no table: the names as the clauses find them
    ("1 东坪村安全饮水巩固提升 东坪村 新建蓄水池1口 40\n2 红岩镇集镇污水管网延伸 集镇老街 铺设管网1公里 35\n",
     [("红岩镇集镇污水管网", "红岩镇集镇污水管网", None), ("集镇老街", "集镇老街", None)]),
    # a cell of two names (及), a name inside its cell (新建…), roads sharing works (no place
    # level): as the clauses find them
    ("1 东坪村文化广场及停车场 东坪村 新建广场 40 镇建设办\n2 新建青石大道 红岩镇 新建道路 46 镇交通站\n"
     "3 青石路、白马路改造 红岩镇 改造路面 30 镇交通站\n4 红岩镇集镇污水管网延伸 集镇老街 铺设管网1公里 35 镇建设办\n",
     [("东坪村文化广场及停车场", "东坪村文化广场及停车场", None), ("青石大道", "青石大道", None),
      ("青石路", "青石路", None), ("白马路改造", "白马路改造", None),
      ("红岩镇集镇污水管网延伸", "红岩镇集镇污水管网延伸", None)]),
    # numbered lines of prose are no table rows
    ("1 东坪村安全饮水巩固提升，已完工。\n2 西岭村农村供水保障提升，正在施工。\n"
     "3 南湾村、北坡村村庄亮化，已完成。\n", []),
])
def test_table_row_name_cells(extract: ProjectExtractor, text: str,
                              expected: list[tuple[str, str, str | None]]) -> None:
    found = sorted(extract(text), key=lambda m: m.start)
    assert [(m.name, text[m.start:m.end], m.alt) for m in found] == expected


@pytest.mark.parametrize(("value", "levels", "expected"), [
    ("甲村、乙村、丙村通组公路硬化项目", None, [("甲村", "通组公路硬化项目"), ("乙村", "通组公路硬化项目"),
                                          ("丙村", "通组公路硬化项目")]),
    ("东坪村、西岭村村庄亮化", ("村", "镇"), [("东坪村", "村庄亮化"), ("西岭村", "村庄亮化")]),
    # a table's cell needs places of one level; a card's field takes any ending
    ("青石路、白马路改造", ("村", "镇"), []),
    ("青石路、白马路改造", None, [("青石路", "改造"), ("白马路", "改造")]),
    # no place of the items' level opening the last, no part after it, a part of one
    # character, items of different endings: none
    ("东坪村、西岭自然组亮化", None, []),
    ("东坪村、西岭村", None, []),
    ("东坪村、西岭村亮", None, []),
    ("东坪村、红岩镇、西岭村村庄亮化", None, []),
])
def test_shared_part_items(value: str, levels: tuple[str, ...] | None, expected: list[tuple[str, str]]) -> None:
    assert [(value[s:e], part) for s, e, part in shared_part_items(value, levels)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a full name in a bracket after a short form: both one project (one key), the full name's
    # span in the bracket
    ("青峰智算中心（全称青峰数字经济产业园算力中心项目）协议投资22亿元。",
     [("青峰智算中心", "青峰数字经济产业园算力中心项目"),
      ("青峰数字经济产业园算力中心项目", "青峰数字经济产业园算力中心项目")]),
    ("南青高速（全称：城南至青峰高速公路）已开工。",
     [("南青高速", "城南至青峰高速公路"), ("城南至青峰高速公路", "城南至青峰高速公路")]),
    # ... not a bracket that names no project (no suffix), nor one with no name in it
    ("白马新区（全称白马经济技术开发区）成立于2010年。", []),
    ("青峰智算中心（全称见附件）已开工。", [("青峰智算中心（全称见附件）", "青峰智算中心（全称见附件）")]),
])
def test_full_name_in_bracket(extract: ProjectExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    found = sorted(extract(text), key=lambda m: m.start)
    # each name as written at its span; each the key of the project's full name
    assert [(m.name, text[m.start:m.end]) for m in found] == [(n, n) for n, _ in expected]
    assert [m.key for m in found] == [extract.key(full) for _, full in expected]
