"""Signals, notes and citations of a photo check, in plain Chinese.

Every signal says what was found, what it may indicate and its limits. Nothing here concludes that a
photo is AI-made or forged: these are leads for a human to check and for the merchant to put to the
platform or the police together with other evidence.
"""

from __future__ import annotations

from typing import Any

from ...laws import cite

CITATION_IDS = (
    "aigc-biaoshi-2025#art-5",
    "aigc-biaoshi-2025#art-10",
    "wangluo-jiaoyi-pingtai-guize-2025#art-21",
)

GENERATOR_KEYS = {"parameters", "prompt", "workflow", "negative_prompt", "dream", "sd-metadata", "invokeai_metadata",
                  "generation_data", "comfyui"}
# Names that a generation or editing program writes into Software / CreatorTool. Matching a name only
# says what the file itself claims.
AI_TOOL_NAMES = ("stable diffusion", "midjourney", "dall-e", "dall·e", "firefly", "comfyui", "novelai", "automatic1111",
                 "invokeai", "imagen", "gpt-4o", "即梦", "通义万相", "文心一格", "可灵", "豆包")
EDITOR_NAMES = ("photoshop", "lightroom", "gimp", "snapseed", "picsart", "美图", "醒图", "canva", "affinity", "pixelmator")


def citations() -> dict[str, dict[str, Any]]:
    out = {}
    for cid in CITATION_IDS:
        d = cite(cid).to_dict()
        d["status"] = "待核实" if d["confidence"] != "VERIFIED" else "已核对"
        if d["confidence"] != "VERIFIED":
            d["why"] = "本站收录的该办法为节选转录，未在发布机关网站逐字核对；文号与罚则条文未核实。"
        out[cid] = d
    return out


def _sig(code: str, level: str, text: str, limits: str, citations: list[str] | None = None) -> dict[str, Any]:
    return {"code": code, "level": level, "text": text, "limits": limits, "citations": citations or []}


def signals(result: dict[str, Any], metadata: list[dict[str, Any]], n_refs: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    reuse = result["reuse"]
    if n_refs == 0:
        out.append(_sig("NO_REFERENCE", "提示", "没有提供你自己的参考照片，因此只检查了元数据，没有比对画面。",
                        "加入商品主图、详情图或发货前拍的照片，才能判断买家照片是否由你的照片改出来。"))
    elif reuse["detected"]:
        out.append(_sig(
            "REUSE_MATCH", "注意",
            f"买家照片与你的参考照片“{reuse['reference']}”高度相似（差异值 {reuse['distance']:g}，"
            f"判定阈值 {reuse['threshold']:g}，越小越像）：它很可能是由这张照片截图、裁剪、转存或修改而来。",
            "相似度基于缩小后的整体明暗结构。同一场景、同一角度连续拍摄的两张不同照片也可能很接近；请把两张照片并排人工比对。"))
        regions = result["edited_regions"]
        if result.get("alignment_trusted") is False:
            out.append(_sig("ALIGNMENT_UNCERTAIN", "提示",
                            "两张照片虽然相似，但无法可靠地对齐（可能经过旋转、翻转、透视变形或大幅裁剪），因此没有标出差异区域。",
                            "本工具只尝试平移和等比缩放的裁剪，不处理旋转和翻转。"))
        elif regions:
            out.append(_sig(
                "EDITED_REGIONS", "注意",
                f"与参考照片对齐后，发现 {len(regions)} 处明显不同的区域（在图上用框标出，热力图越红差异越大）。"
                "如果参考照片是你发货前拍的或商品主图，这些位置就是买家照片与原图不一致的地方，例如新加的霉斑、裂纹或污渍。",
                "差异只说明这些位置与参考照片不同，不说明差异是如何产生的（人工涂改、AI 修图，或拍摄时物品本身不同）。"
                "花纹、文字等纹理复杂处的改动较难发现；大面积调色也会被当作差异。"))
        else:
            out.append(_sig("NO_LOCAL_DIFFERENCE", "提示",
                            "与参考照片对齐后，没有发现明显的局部差异：买家照片看起来就是你的参考照片本身（可能经过裁剪或转存）。",
                            "很小的改动，或发生在纹理复杂处的改动，可能低于检测门槛。"))
    elif reuse["distance"] is None:
        out.append(_sig("LOW_DETAIL", "提示",
                        "照片几乎没有明暗变化（例如纯色或严重过曝），这种图片的特征值没有区分度，无法判断是否复用了你的照片。",
                        "请换用内容清楚的照片比对。"))
    else:
        out.append(_sig("NO_MATCH", "提示",
                        f"买家照片与你提供的 {n_refs} 张参考照片都不相似（最小差异值 {reuse['distance']:g}，判定阈值 {reuse['threshold']:g}）。",
                        "这只说明它不是由这几张照片改出来的，不说明照片是真实拍摄的，也不说明它是 AI 生成的。"))

    if n_refs and reuse["distance"] is not None and result.get("low_detail"):
        out.append(_sig("LOW_DETAIL", "提示", "有的照片几乎没有明暗变化，没有参与比对（见比对表中“不可比”的一行）。",
                        "纯色或严重过曝的图片无法用特征值比较。"))
    aigc = [m for m in metadata if m["kind"] == "aigc_label"]
    for m in aigc:
        fields = m.get("fields") or {}
        shown = "，".join(f"{k}={v}" for k, v in fields.items() if v not in ("", None)) or m["value"]
        out.append(_sig(
            "AIGC_LABEL", "注意",
            f"文件元数据中有名为 AIGC 的隐式标识（位置：{m.get('source', '')}），内容：{shown}。"
            "按《人工智能生成合成内容标识办法》第五条，生成合成服务提供者应在文件元数据中添加隐式标识；"
            "GB 45438-2025 据二手资料描述，以键名 AIGC 下的 JSON 记录 Label、ContentProducer、ProduceID 等字段。",
            "标识可以被删除，也可以被伪造；各字段取值的含义以标准原文为准（本站尚未读到标准原文，待核实）。"
            "可据 ContentProducer（服务提供者）和 ProduceID（内容编号）请平台或服务提供者协助追溯。",
            ["aigc-biaoshi-2025#art-5"]))
    gen_keys = [m for m in metadata if m["kind"] == "png_text" and m["key"].strip().lower() in GENERATOR_KEYS]
    if gen_keys:
        keys = "、".join(sorted({m["key"] for m in gen_keys}))
        out.append(_sig(
            "GENERATOR_TEXT", "注意",
            f"PNG 文本块中有 {keys}：AI 图像生成工具（例如 Stable Diffusion WebUI、ComfyUI）常把提示词和生成参数写在这些键下。",
            "文本块可被任何软件写入、改写或删除；仅凭它不能确定图片是 AI 生成的。请保存原文件，内容见元数据表。"))
    source_types = [m for m in metadata if m["key"] == "Iptc4xmpExt:DigitalSourceType" or
                    (m["kind"] == "c2pa" and m["key"] == "mentions" and "rainedAlgorithmicMedia" in m["value"])]
    for m in source_types:
        if "trainedAlgorithmicMedia" in m["value"]:
            out.append(_sig(
                "AI_SOURCE_TYPE", "注意",
                f"文件自述的来源类型含“trainedAlgorithmicMedia”（{m['kind'].upper()}：{m['value'][:120]}）："
                "在 IPTC 数字来源类型词表中，该词表示由训练过的算法模型生成（composite… 表示与之合成）。",
                "这是文件自己写的说明，可被删除或伪造；本工具不验证签名。"))
    tools = [m for m in metadata if m["key"] in ("Software", "xmp:CreatorTool", "stEvt:softwareAgent", "claim_generator")]
    for m in tools:
        low = m["value"].lower()
        if any(n in low for n in AI_TOOL_NAMES):
            out.append(_sig("AI_TOOL_NAMED", "注意", f"文件记录的软件名称为“{m['value']}”，其中含有 AI 图像生成工具的名称。",
                            "软件字段可被任意改写；它只说明文件自己这样写。"))
        elif any(n in low for n in EDITOR_NAMES):
            out.append(_sig("EDITOR_NAMED", "提示", f"文件记录的软件名称为“{m['value']}”（图像编辑软件）：文件曾由该软件保存。",
                            "用编辑软件保存不等于内容被篡改（调整大小、压缩也会留下记录）；软件字段也可被改写。"))
        else:
            out.append(_sig("SOFTWARE_NAMED", "提示", f"文件记录的软件为“{m['value']}”。",
                            "手机相机、系统相册和很多应用都会写入这一字段；它只说明最后保存文件的程序是什么。"))
    if any(m["kind"] == "c2pa" for m in metadata):
        out.append(_sig("C2PA_PRESENT", "提示",
                        "文件带有 C2PA 内容凭证（记录内容来源与编辑历史的签名清单）。",
                        "本工具只检测清单是否存在、读出部分文字，不验证签名；可用 C2PA 官方验证工具查看完整清单。"))
    camera = {m["key"]: m["value"] for m in metadata if m["kind"] == "exif" and m["key"] in ("Make", "Model", "DateTimeOriginal")}
    if camera:
        desc = " ".join(v for k, v in camera.items() if k != "DateTimeOriginal")
        when = camera.get("DateTimeOriginal")
        out.append(_sig("CAMERA_EXIF", "提示",
                        "文件的 EXIF 信息自述" + (f"由“{desc}”拍摄" if desc else "") + (f"，拍摄时间 {when}" if when else "") +
                        "。可以与订单的签收时间、买家所称的收货情况对照（例如拍摄时间早于签收时间）。",
                        "EXIF 可以被任意修改；相机时间也可能设置错误。"))
    if not metadata:
        out.append(_sig("NO_METADATA", "提示", "文件中没有读到任何元数据（EXIF、XMP、文本块、内容凭证或 AI 标识）。",
                        "多数电商平台和聊天软件在上传时会删除元数据，截图也不带元数据：没有元数据不说明照片有问题，也不说明照片没有问题。"))
    return out


NOTES: tuple[dict[str, Any], ...] = (
    {"text": "本结果是技术线索，不是鉴定结论：它不能确定照片是否由 AI 生成或被人修改，也不替代司法鉴定。"},
    {"text": "没有元数据或没有 AI 标识，什么也证明不了：多数平台和聊天软件会删除元数据，转发、截图也会让它消失。"
             "反过来，元数据和标识也可以被伪造。"},
    {"text": "“复用”和“差异区域”只在你提供了自己的照片时才有意义：它们回答的是“买家照片是不是由我的照片改出来的、改了哪里”。"},
    {"text": "作为证据使用时：保存买家上传的原始文件（不要只保存截图），记下获取的时间和途径；请平台保存买家上传的原图及其元数据；"
             "需要时可以办理证据保全公证，或委托司法鉴定机构鉴定。把本页打印或另存为 PDF，可作为向平台说明情况的附件之一。"},
    {"text": "《人工智能生成合成内容标识办法》第五条要求服务提供者在生成内容的文件元数据中添加隐式标识，第十条第二款禁止恶意删除、篡改、"
             "伪造、隐匿标识。本站收录的该办法是节选转录，待核实。买家在提交售后凭证前删除标识，是否属于第十条第二款所说的情形，"
             "属于法律解释问题，尚无定论。",
     "citations": ["aigc-biaoshi-2025#art-5", "aigc-biaoshi-2025#art-10"], "pending": True},
    {"text": "平台规则合理减轻一方举证责任的，《网络交易平台规则监督管理办法》第二十一条要求平台采取措施识别、防范和处置滥用该规则的行为；"
             "可以把本结果连同其他证据提交平台，请其复核。",
     "citations": ["wangluo-jiaoyi-pingtai-guize-2025#art-21"], "pending": False},
)
