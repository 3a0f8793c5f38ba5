"""Hand-written Chinese test pages for the dedup tests (written for this project)."""
from __future__ import annotations

#: Twelve sentences of one made-up local news story, ~30-40 characters each.
STORY = (
    "青川县今年春季启动了山区小学饮水改造工程，计划在六月底前完成全部施工。",
    "县教育局介绍，此前不少学校依靠山泉水，雨季水质浑浊，学生只能自带开水。",
    "改造后每所学校都将接入镇上的自来水管网，并配备净水设备和专职管理人员。",
    "工程总投资约一千二百万元，其中省级补助资金占六成，其余由县财政统筹解决。",
    "记者在白龙镇中心小学看到，新铺设的管道已经通到食堂和教学楼的每一层。",
    "校长刘建平说，过去每到夏天都担心孩子喝生水闹肚子，现在终于可以放心了。",
    "家长代表王秀英表示，学校条件越来越好，村里外出打工的年轻人也更愿意回来。",
    "县水务局同时对沿线的十二个村开展了入户检测，发现问题的水井将逐一封存。",
    "按照计划，明年起还将为偏远教学点安装太阳能热水器，解决冬季洗漱难的问题。",
    "专家建议，饮水设施建成后更要管好用好，定期清洗水箱并公开检测结果。",
    "县里已经把学校饮水安全纳入年度考核，由分管副县长牵头每季度督查一次。",
    "不少网友在留言中点赞，希望这样的实事项目能在更多山区县推广开来。",
)

#: A second, unrelated story (a library opening), for pages that must not match the first.
LIBRARY = (
    "市图书馆新馆将于下月十五日正式开馆，馆内藏书预计超过八十万册。",
    "新馆位于滨江路文化中心东侧，共有五层，设有少儿阅览区和古籍修复室。",
    "开馆首月读者凭身份证即可免费办理借阅卡，每人最多可同时借阅十本图书。",
    "馆方还将每周末举办读书分享会，邀请本地作家和高校教师与市民面对面交流。",
    "图书馆负责人表示，希望新馆成为市民家门口的书房，让阅读融入日常生活。",
    "此外，新馆引入了自助借还系统，读者在任何一个楼层都可以完成借书还书。",
)

#: A spam template of the kind the cleaner removes (made-up brand and numbers).
SPAM_A = (
    "朗瑞空调售后服务电话：400-1234-567（点击咨询）\n"
    "朗瑞空调24小时人工客服热线，全国统一维修网点查询\n"
    "服务区域：成都市武侯区、绵阳市涪城区、德阳市旌阳区、南充市顺庆区\n"
)
SPAM_B = (
    "佳美热水器官方客服中心|佳美热水器售后|佳美热水器维修电话 800-765-4321 立即预约\n"
    "专业维修团队，快速响应，一站式服务，客服微信：jiamei_kefu QQ：12345678\n"
)


def story(first: int = 0, last: int = len(STORY), edits: dict[str, str] | None = None) -> str:
    """Sentences first..last-1 of STORY, one per line, with word substitutions applied."""
    text = "\n".join(STORY[first:last])
    for old, new in (edits or {}).items():
        text = text.replace(old, new)
    return text


def library() -> str:
    return "\n".join(LIBRARY)
