// BadgeRenderer: lays out a template for one attendee, loads just the font subsets that layout
// needs, draws, saves. Sections: content from the database · layout of a badge · drawing ·
// badges and sheets · confirmations · free functions.
#include "badge_internal.hpp"

#include <hpdf.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <unordered_map>

namespace kiosk::printing {

namespace detail {
std::string formatEventDates(core::TimePoint start, core::TimePoint end, core::Language lang);
}

using namespace detail;

// --- content from the database ------------------------------------------------------------------

namespace {
/// `kiosk badges` holds every attendee's content at once: they share one copy of the logo, and
/// it is checked once. A logo that does not pass checkLogo (the store refuses them, but a file
/// may be edited by hand) is left off: the badge still prints.
std::shared_ptr<const std::string> sharedLogo(std::string bytes) {
    if (bytes.empty()) return nullptr;
    static std::mutex mutex;
    static std::shared_ptr<const std::string> last;
    static bool lastOk = false;
    std::lock_guard<std::mutex> lock(mutex);
    if (!last || *last != bytes) {
        lastOk = checkLogo(bytes).ok();
        last = std::make_shared<const std::string>(std::move(bytes));
    }
    return lastOk ? last : nullptr;
}
}  // namespace

core::Result<BadgeContent> badgeContentFor(core::Database& db, const std::string& attendeeId) {
    auto a = db.attendee(attendeeId);
    if (!a) return a.error();
    if (!*a)
        return core::Error{"badge.unknown_attendee",
                           "no attendee with id '" + attendeeId + "'; search by name with `kiosk search`"};
    auto ev = db.event();
    if (!ev) return ev.error();
    auto code = db.primaryCode(attendeeId);
    if (!code) return code.error();
    const core::Attendee& at = **a;
    BadgeContent c;
    c.attendeeId = at.id;
    c.firstName = at.firstName;
    c.lastName = at.lastName;
    c.displayName = at.displayName();
    c.organisation = at.organisation;
    c.category = at.category;
    c.workingGroup = at.workingGroup;
    c.language = at.language;
    c.qrPayload = *code;
    auto rule = db.badgeRuleFor(at);
    if (!rule) return rule.error();
    if (*rule) {
        c.templateName = (*rule)->templateName;
        c.bandColour = (*rule)->colour;
        c.roleWord = (*rule)->role;
    }
    if (*ev) {
        const core::Event& e = **ev;
        c.eventName = e.name;
        c.eventShortName = e.shortName.empty() ? e.name : e.shortName;
        c.eventTagline = e.tagline;
        c.eventDate = formatEventDates(e.startsAt, e.endsAt, at.language);
        c.eventPlace = e.venue.empty() ? e.city : e.city.empty() ? e.venue : e.venue + ", " + e.city;
        c.eventColour = e.colour;
        c.eventAccentColour = e.accentColour;
        auto logo = db.eventLogo();
        if (!logo) return logo.error();
        c.eventLogo = sharedLogo(std::move(*logo));
    }
    return c;
}

// --- layout of a badge --------------------------------------------------------------------------

namespace {

std::string upper(const std::string& s) {
    std::u32string u = decodeUtf8(s);
    for (char32_t& c : u) {
        // Latin-1, Latin Extended-A, Greek and Cyrillic lower case; enough for labels.
        const bool latin = (c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7);
        const bool greek = c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2;
        const bool cyrillic = c >= 0x430 && c <= 0x44F;
        if (latin || greek || cyrillic)
            c -= 32;
        else if (c >= 0x100 && c <= 0x17F && (c % 2) == 1 && c != 0x131 && c != 0x138 && c != 0x149)
            c -= 1;  // Latin Extended-A: capital, then small letter
        else if (c >= 0x450 && c <= 0x45F)
            c -= 80;  // Cyrillic ѐ…џ
    }
    return encodeUtf8(u);
}

std::string lowerAscii(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

/// The word on the category band: the organiser's role word, the template's label for the
/// category, or the built-in translated label.
std::string roleText(const BadgeTemplate& t, const BadgeContent& c) {
    if (!c.roleWord.empty()) return c.roleWord;
    if (c.category.empty()) return "";
    if (auto it = t.categoryLabels.find(lowerAscii(c.category)); it != t.categoryLabels.end()) {
        const std::string lang(core::languageCode(c.language));
        if (auto l = it->second.find(lang); l != it->second.end()) return l->second;
        if (auto l = it->second.find(""); l != it->second.end()) return l->second;
    }
    return label("category." + c.category, c.language);
}

std::string fieldText(const BadgeTemplate& t, const TemplateElement& el, const BadgeContent& c) {
    const std::string lang(core::languageCode(c.language));
    if (el.field == "display_name") return c.displayName;
    if (el.field == "first_name") return c.firstName;
    if (el.field == "last_name") return c.lastName;
    if (el.field == "organisation") return c.organisation;
    if (el.field == "category_label") return roleText(t, c);
    if (el.field == "working_group") {
        if (c.workingGroup.empty()) return "";
        return el.text.empty() ? c.workingGroup : label(el.text, c.language) + " · " + c.workingGroup;
    }
    if (el.field == "event_name") return c.eventName;
    if (el.field == "event_short_name") return c.eventShortName.empty() ? c.eventName : c.eventShortName;
    if (el.field == "event_tagline") return c.eventTagline;
    if (el.field == "event_date") return c.eventDate;
    if (el.field == "event_place") return c.eventPlace;
    if (el.field == "label") return label(el.text, c.language);
    auto it = el.textByLanguage.find(lang);
    if (it != el.textByLanguage.end()) return it->second;
    return el.text;
}

Color categoryColor(const BadgeTemplate& t, const std::string& category) {
    auto it = t.categoryColors.find(category);
    if (it != t.categoryColors.end()) return it->second;
    it = t.categoryColors.find("default");
    if (it != t.categoryColors.end()) return it->second;
    return Color{0.2, 0.2, 0.2};
}

Color elementColor(const BadgeTemplate& t, const TemplateElement& el, const BadgeContent& c) {
    if (el.categoryColor) return parseColor(c.bandColour).value_or(categoryColor(t, c.category));
    switch (el.eventColor) {
        case TemplateElement::EventColor::Main:
            return parseColor(c.eventColour).value_or(t.eventColor);
        case TemplateElement::EventColor::Accent:
            return parseColor(c.eventAccentColour).value_or(t.eventAccentColor);
        case TemplateElement::EventColor::None:
            break;
    }
    return el.color;
}

/// The element's box for this badge: its own, or its "withoutLogo" box when there is no logo.
std::array<double, 4> boxOf(const TemplateElement& el, const BadgeContent& c) {
    if (el.withoutLogo && !c.eventLogo) return *el.withoutLogo;
    return {el.x, el.y, el.w, el.h};
}

// One laid-out badge: blocks per text element, the QR matrix, warnings.
struct BadgeLayout {
    std::vector<std::optional<TextBlock>> blocks;
    std::optional<QrMatrix> qr;
};

void warnFor(const TextBlock& b, const TemplateElement& el, const BadgeContent& c,
             std::vector<RenderWarning>& w) {
    if (!b.dropped.empty())
        w.push_back({"badge.unsupported_script",
                     "attendee " + c.attendeeId + ", " + el.field + ": no font for " +
                         describeCodepoints(b.dropped) +
                         "; left out. Set a printable badge name at the desk if the name is unreadable"});
    if (b.truncated)
        w.push_back(
            {"badge.text_truncated", "attendee " + c.attendeeId + ", " + el.field +
                                         ": too long even at the smallest size, shortened with an ellipsis"});
}

core::Result<BadgeLayout> layoutBadge(FontLibrary& fonts, const BadgeTemplate& t, const BadgeContent& c,
                                      std::vector<RenderWarning>& warnings) {
    BadgeLayout L;
    L.blocks.resize(t.elements.size());
    for (size_t i = 0; i < t.elements.size(); ++i) {
        const TemplateElement& el = t.elements[i];
        if (el.kind == TemplateElement::Kind::Qr && !L.qr) {
            auto q = encodeQr(c.qrPayload, t.qrEccLevel);
            if (!q) return q.error();
            L.qr = std::move(*q);
        }
        if (el.kind != TemplateElement::Kind::Text) continue;
        std::string text = fieldText(t, el, c);
        if (text.empty()) continue;
        if (el.uppercase) text = upper(text);
        FitRequest req;
        req.text = decodeUtf8(text);
        const auto box = boxOf(el, c);
        req.width = box[2] * kPtPerMm;
        req.height = box[3] * kPtPerMm;
        req.size = el.fontSize;
        req.minSize = el.minFontSize;
        req.maxLines = el.maxLines;
        req.weight = el.bold ? Weight::Bold : Weight::Regular;
        if (el.field == "display_name")
            req.keepWhole = decodeUtf8(el.uppercase ? upper(c.lastName) : c.lastName);
        L.blocks[i] = fitText(fonts, req);
        warnFor(*L.blocks[i], el, c, warnings);
    }
    return L;
}

// --- drawing ------------------------------------------------------------------------------------

void drawBadge(PdfDoc& pdf, HPDF_Page page, const BadgeTemplate& t, const BadgeContent& c,
               const BadgeLayout& L) {
    const Frame f{t.heightMm};
    for (size_t i = 0; i < t.elements.size(); ++i) {
        const TemplateElement& el = t.elements[i];
        const Color col = elementColor(t, el, c);
        const auto [bx, by, bw, bh] = boxOf(el, c);
        const auto x = static_cast<HPDF_REAL>(f.x(bx));
        const auto y = static_cast<HPDF_REAL>(f.y(by + bh));
        const auto w = static_cast<HPDF_REAL>(bw * kPtPerMm);
        const auto h = static_cast<HPDF_REAL>(bh * kPtPerMm);
        switch (el.kind) {
            case TemplateElement::Kind::Rect:
                HPDF_Page_SetRGBFill(page, static_cast<HPDF_REAL>(col.r), static_cast<HPDF_REAL>(col.g),
                                     static_cast<HPDF_REAL>(col.b));
                HPDF_Page_Rectangle(page, x, y, w, h);
                HPDF_Page_Fill(page);
                break;
            case TemplateElement::Kind::Ellipse:
                HPDF_Page_SetRGBFill(page, static_cast<HPDF_REAL>(col.r), static_cast<HPDF_REAL>(col.g),
                                     static_cast<HPDF_REAL>(col.b));
                HPDF_Page_Ellipse(page, x + w / 2, y + h / 2, w / 2, h / 2);
                HPDF_Page_Fill(page);
                break;
            case TemplateElement::Kind::Line:
                HPDF_Page_SetRGBStroke(page, static_cast<HPDF_REAL>(col.r), static_cast<HPDF_REAL>(col.g),
                                       static_cast<HPDF_REAL>(col.b));
                HPDF_Page_SetLineWidth(page, static_cast<HPDF_REAL>(el.lineWidth * kPtPerMm));
                HPDF_Page_MoveTo(page, x, static_cast<HPDF_REAL>(f.y(by)));
                HPDF_Page_LineTo(page, static_cast<HPDF_REAL>(f.x(bx + bw)),
                                 static_cast<HPDF_REAL>(f.y(by + bh)));
                HPDF_Page_Stroke(page);
                break;
            case TemplateElement::Kind::Qr:
                if (L.qr) {
                    const double side = std::min(el.w, el.h) * kPtPerMm;
                    drawQr(page, *L.qr, x + (w - side) / 2, y + (h - side) / 2, side);
                }
                break;
            case TemplateElement::Kind::Image: {
                if (el.field == "event_logo") {
                    if (!c.eventLogo) break;
                    HPDF_Image img = pdf.image(*c.eventLogo);
                    if (!img) break;  // checked when the logo was set; the error is in pdf.failed()
                    // In proportion, centred in the box.
                    const double iw = HPDF_Image_GetWidth(img), ih = HPDF_Image_GetHeight(img);
                    if (iw <= 0 || ih <= 0) break;
                    const double scale = std::min(w / iw, h / ih);
                    const auto dw = static_cast<HPDF_REAL>(iw * scale),
                               dh = static_cast<HPDF_REAL>(ih * scale);
                    HPDF_Page_DrawImage(page, img, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
                    break;
                }
                namespace fs = std::filesystem;
                fs::path p = fs::path(t.baseDir) / el.image;
                if (!fs::exists(p)) p = fs::path(t.baseDir) / "../images" / el.image;
                HPDF_Image img = HPDF_LoadPngImageFromFile(pdf.doc(), p.string().c_str());
                if (img) HPDF_Page_DrawImage(page, img, x, y, w, h);
                break;
            }
            case TemplateElement::Kind::Text:
                if (L.blocks[i]) drawTextBlock(pdf, page, *L.blocks[i], x, y, w, h, el.align, col);
                break;
        }
    }
}

}  // namespace

// --- the renderer -------------------------------------------------------------------------------

struct BadgeRenderer::Impl {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<FontLibrary>> fonts;  // by primary family
    std::unordered_map<std::string, BadgeTemplate> templates;

    core::Result<std::shared_ptr<FontLibrary>> fontsFor(const std::string& family) {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = fonts.find(family);
        if (it != fonts.end()) return it->second;
        auto lib = FontLibrary::create(family);
        if (!lib) return lib.error();
        fonts.emplace(family, *lib);
        return *lib;
    }
};

BadgeRenderer::BadgeRenderer() : m_impl(std::make_unique<Impl>()) {}
BadgeRenderer::~BadgeRenderer() = default;

core::Result<BadgeTemplate> BadgeRenderer::loadTemplate(const std::string& nameOrPath) {
    {
        std::lock_guard<std::mutex> lock(m_impl->mutex);
        auto it = m_impl->templates.find(nameOrPath);
        if (it != m_impl->templates.end()) return it->second;
    }
    auto t = printing::loadTemplate(nameOrPath);
    if (!t) return t.error();
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    m_impl->templates.emplace(nameOrPath, *t);
    return t;
}

core::Result<BadgeTemplate> BadgeRenderer::templateFor(const BadgeContent& content,
                                                       const std::string& defaultTemplate) {
    if (!content.templateName.empty()) return loadTemplate(content.templateName);
    auto d = loadTemplate(defaultTemplate);
    if (!d) return d;
    if (auto it = d->badgeFor.find(lowerAscii(content.category)); it != d->badgeFor.end())
        return loadTemplate(it->second);
    return d;
}

core::Result<RenderedPdf> BadgeRenderer::renderBadge(const BadgeContent& content, const BadgeTemplate& tpl) {
    auto fonts = m_impl->fontsFor(tpl.fontFamily);
    if (!fonts) return fonts.error();
    RenderedPdf out;
    auto layout = layoutBadge(**fonts, tpl, content, out.warnings);
    if (!layout) return layout.error();
    PdfDoc pdf;
    if (pdf.failed()) return pdf.error("creating the document");
    std::vector<const TextBlock*> blocks;
    for (const auto& b : layout->blocks)
        if (b) blocks.push_back(&*b);
    if (auto st = pdf.prepareFonts(**fonts, blocks); !st) return st.error();
    HPDF_Page page = pdf.addPage(tpl.widthMm, tpl.heightMm);
    if (!page) return pdf.error("adding the page");
    drawBadge(pdf, page, tpl, content, *layout);
    if (pdf.failed()) return pdf.error("drawing the badge");
    auto bytes = pdf.save();
    if (!bytes) return bytes.error();
    out.bytes = std::move(*bytes);
    out.pages = 1;
    out.widthMm = tpl.widthMm;
    out.heightMm = tpl.heightMm;
    out.templateName = tpl.name;
    return out;
}

core::Result<BadgeTextLayout> BadgeRenderer::layoutText(const BadgeContent& content,
                                                        const BadgeTemplate& tpl) {
    auto fonts = m_impl->fontsFor(tpl.fontFamily);
    if (!fonts) return fonts.error();
    BadgeTextLayout out;
    auto layout = layoutBadge(**fonts, tpl, content, out.warnings);
    if (!layout) return layout.error();
    for (std::size_t i = 0; i < layout->blocks.size(); ++i) {
        const auto& b = layout->blocks[i];
        if (!b) continue;
        TextLayout t;
        t.element = i;
        t.sizePt = b->size;
        t.lineHeightPt = b->lineHeight;
        t.ascentPt = b->ascent;
        t.descentPt = b->descent;
        t.shrunk = b->shrunk;
        t.truncated = b->truncated;
        t.dropped = encodeUtf8(b->dropped);
        for (const Line& l : b->lines) {
            TextLine line;
            line.widthPt = l.width;
            for (const Run& r : l.runs)
                line.runs.push_back(
                    {encodeUtf8(r.text), r.face >= 0 ? (*fonts)->path(r.face) : std::string{}, r.width});
            t.lines.push_back(std::move(line));
        }
        out.texts.push_back(std::move(t));
    }
    return out;
}

core::Result<RenderedPdf> BadgeRenderer::renderSheets(const std::vector<BadgeContent>& contents,
                                                      const BadgeTemplate& tpl, SheetLayout sheet) {
    auto fonts = m_impl->fontsFor(tpl.fontFamily);
    if (!fonts) return fonts.error();
    // Cells tile A4 exactly: 2×2 portrait A6, or 2×4 landscape A7.
    const int cols = 2, rows = sheet == SheetLayout::A4_4xA6 ? 2 : 4;
    const double cellW = 210.0 / cols, cellH = 297.0 / rows;
    const bool cellPortrait = cellH >= cellW;
    const bool tplPortrait = tpl.heightMm >= tpl.widthMm;
    const bool rotate = cellPortrait != tplPortrait;
    const double bw = rotate ? tpl.heightMm : tpl.widthMm, bh = rotate ? tpl.widthMm : tpl.heightMm;
    const double scale = std::min({1.0, cellW / bw, cellH / bh});

    RenderedPdf out;
    std::vector<BadgeLayout> layouts;
    layouts.reserve(contents.size());
    for (const auto& c : contents) {
        auto l = layoutBadge(**fonts, tpl, c, out.warnings);
        if (!l) return l.error();
        layouts.push_back(std::move(*l));
    }
    PdfDoc pdf;
    if (pdf.failed()) return pdf.error("creating the document");
    std::vector<const TextBlock*> blocks;
    for (const auto& l : layouts)
        for (const auto& b : l.blocks)
            if (b) blocks.push_back(&*b);
    if (auto st = pdf.prepareFonts(**fonts, blocks); !st) return st.error();
    const size_t perPage = static_cast<size_t>(cols) * static_cast<size_t>(rows);
    for (size_t first = 0; first < contents.size(); first += perPage) {
        HPDF_Page page = pdf.addPage(210, 297);
        if (!page) return pdf.error("adding a sheet");
        for (size_t k = 0; k < perPage && first + k < contents.size(); ++k) {
            const int col = static_cast<int>(k) % cols, row = static_cast<int>(k) / cols;
            // Centre of the cell in page points (origin bottom-left).
            const double cx = (col + 0.5) * cellW * kPtPerMm;
            const double cy = (297.0 - (row + 0.5) * cellH) * kPtPerMm;
            const double w = tpl.widthMm * kPtPerMm * scale, h = tpl.heightMm * kPtPerMm * scale;
            HPDF_Page_GSave(page);
            if (rotate) {
                // Rotated 90° anticlockwise about the cell centre.
                HPDF_Page_Concat(page, 0, static_cast<HPDF_REAL>(scale), static_cast<HPDF_REAL>(-scale), 0,
                                 static_cast<HPDF_REAL>(cx + h / 2), static_cast<HPDF_REAL>(cy - w / 2));
            } else {
                HPDF_Page_Concat(page, static_cast<HPDF_REAL>(scale), 0, 0, static_cast<HPDF_REAL>(scale),
                                 static_cast<HPDF_REAL>(cx - w / 2), static_cast<HPDF_REAL>(cy - h / 2));
            }
            drawBadge(pdf, page, tpl, contents[first + k], layouts[first + k]);
            HPDF_Page_GRestore(page);
        }
        // Cut marks: short strokes in the margins on every cut line, crosses where cuts meet.
        HPDF_Page_SetRGBStroke(page, 0, 0, 0);
        HPDF_Page_SetLineWidth(page, 0.25f);
        const double mark = 5 * kPtPerMm, pw = 210 * kPtPerMm, ph = 297 * kPtPerMm;
        for (int i = 1; i < cols; ++i) {
            const auto x = static_cast<HPDF_REAL>(i * cellW * kPtPerMm);
            HPDF_Page_MoveTo(page, x, 0);
            HPDF_Page_LineTo(page, x, static_cast<HPDF_REAL>(mark));
            HPDF_Page_MoveTo(page, x, static_cast<HPDF_REAL>(ph - mark));
            HPDF_Page_LineTo(page, x, static_cast<HPDF_REAL>(ph));
        }
        for (int j = 1; j < rows; ++j) {
            const auto y = static_cast<HPDF_REAL>(ph - j * cellH * kPtPerMm);
            HPDF_Page_MoveTo(page, 0, y);
            HPDF_Page_LineTo(page, static_cast<HPDF_REAL>(mark), y);
            HPDF_Page_MoveTo(page, static_cast<HPDF_REAL>(pw - mark), y);
            HPDF_Page_LineTo(page, static_cast<HPDF_REAL>(pw), y);
            for (int i = 1; i < cols; ++i) {
                const auto x = static_cast<HPDF_REAL>(i * cellW * kPtPerMm);
                const auto s = static_cast<HPDF_REAL>(mark / 2);
                HPDF_Page_MoveTo(page, x - s, y);
                HPDF_Page_LineTo(page, x + s, y);
                HPDF_Page_MoveTo(page, x, y - s);
                HPDF_Page_LineTo(page, x, y + s);
            }
        }
        HPDF_Page_Stroke(page);
        ++out.pages;
    }
    if (pdf.failed()) return pdf.error("drawing the sheets");
    auto bytes = pdf.save();
    if (!bytes) return bytes.error();
    out.bytes = std::move(*bytes);
    return out;
}

// --- confirmations ------------------------------------------------------------------------------

core::Result<RenderedPdf> BadgeRenderer::renderConfirmation(const BadgeContent& c) {
    auto fontsR = m_impl->fontsFor("Noto Sans");
    if (!fontsR) return fontsR.error();
    FontLibrary& fonts = **fontsR;
    RenderedPdf out;
    const double W = 210, H = 297, margin = 20;
    const double textW = (W - 2 * margin) * kPtPerMm;
    auto fit = [&](const std::string& s, double wMm, double hMm, double size, double minSize, int lines,
                   bool bold, const std::string& keep = {}) {
        FitRequest r;
        r.text = decodeUtf8(s);
        r.width = wMm * kPtPerMm;
        r.height = hMm * kPtPerMm;
        r.size = size;
        r.minSize = minSize;
        r.maxLines = lines;
        r.weight = bold ? Weight::Bold : Weight::Regular;
        r.keepWhole = decodeUtf8(keep);
        return fitText(fonts, r);
    };
    const core::Language lang = c.language;
    // Bilingual event names run long ("3e rencontre … / 3de jaarlijkse …"): shrink to fit the
    // band rather than cut the name off.
    TextBlock event = fit(c.eventName, W - 2 * margin, 20, 15, 8, 4, true);
    const std::string whenText = c.eventDate.empty()    ? c.eventPlace
                                 : c.eventPlace.empty() ? c.eventDate
                                                        : c.eventDate + " · " + c.eventPlace;
    TextBlock when = wrapText(fonts, decodeUtf8(whenText), textW, 10, 2, Weight::Regular);
    TextBlock title = fit(upper(label("confirmation.title", lang)), W - 2 * margin, 7, 11, 7, 1, true);
    TextBlock name = fit(c.displayName, W - 2 * margin, 26, 30, 14, 2, true, c.lastName);
    TextBlock org = fit(c.organisation, W - 2 * margin, 8, 14, 8, 1, false);
    TextBlock show = fit(label("confirmation.show_code", lang), W - 2 * margin, 8, 14, 8, 1, true);
    std::vector<TextBlock> steps;
    for (const char* k : {"confirmation.step1", "confirmation.step2", "confirmation.step3"})
        steps.push_back(wrapText(fonts, decodeUtf8(label(k, lang)), textW, 11, 3, Weight::Regular));
    TextBlock personal = fit(label("confirmation.personal", lang), W - 2 * margin, 6, 9, 7, 1, false);
    TextBlock ref =
        fit(label("confirmation.reference", lang) + " " + c.attendeeId, W - 2 * margin, 6, 8, 6, 1, false);
    TemplateElement nameField;
    nameField.field = "confirmation";
    for (const TextBlock* b : {&event, &when, &name, &org}) warnFor(*b, nameField, c, out.warnings);

    auto qr = encodeQr(c.qrPayload, 4);
    if (!qr) return qr.error();

    PdfDoc pdf;
    if (pdf.failed()) return pdf.error("creating the document");
    std::vector<const TextBlock*> blocks = {&event, &when, &title, &name, &org, &show, &personal, &ref};
    for (const auto& s : steps) blocks.push_back(&s);
    if (auto st = pdf.prepareFonts(fonts, blocks); !st) return st.error();
    HPDF_Page page = pdf.addPage(W, H);
    if (!page) return pdf.error("adding the page");
    const Frame f{H};
    auto box = [&](const TextBlock& b, double yMm, double hMm, Align a, Color col, double xMm = 20,
                   double wMm = 170) {
        drawTextBlock(pdf, page, b, f.x(xMm), f.y(yMm + hMm), wMm * kPtPerMm, hMm * kPtPerMm, a, col);
    };
    const Color ink{0.11, 0.16, 0.24}, band{0.09, 0.33, 0.55}, white{1, 1, 1}, grey{0.4, 0.43, 0.47};
    // Header band with the event.
    HPDF_Page_SetRGBFill(page, static_cast<HPDF_REAL>(band.r), static_cast<HPDF_REAL>(band.g),
                         static_cast<HPDF_REAL>(band.b));
    HPDF_Page_Rectangle(page, 0, static_cast<HPDF_REAL>(f.y(48)), static_cast<HPDF_REAL>(W * kPtPerMm),
                        static_cast<HPDF_REAL>(48 * kPtPerMm));
    HPDF_Page_Fill(page);
    HPDF_Page_SetRGBFill(page, 0.96f, 0.65f, 0.14f);
    HPDF_Page_Rectangle(page, 0, static_cast<HPDF_REAL>(f.y(50)), static_cast<HPDF_REAL>(W * kPtPerMm),
                        static_cast<HPDF_REAL>(2 * kPtPerMm));
    HPDF_Page_Fill(page);
    box(title, 8, 7, Align::Left, Color{0.85, 0.9, 0.96});
    box(event, 15, 20, Align::Left, white);
    box(when, 36, 10, Align::Left, white);
    box(name, 60, 26, Align::Left, ink);
    box(org, 87, 8, Align::Left, grey);
    const double qrSide = 70;
    drawQr(page, *qr, f.x((W - qrSide) / 2), f.y(100 + qrSide), qrSide * kPtPerMm);
    box(show, 172, 8, Align::Center, ink);
    HPDF_Page_SetRGBStroke(page, 0.8f, 0.83f, 0.87f);
    HPDF_Page_SetLineWidth(page, 0.5f);
    HPDF_Page_MoveTo(page, static_cast<HPDF_REAL>(f.x(margin)), static_cast<HPDF_REAL>(f.y(186)));
    HPDF_Page_LineTo(page, static_cast<HPDF_REAL>(f.x(W - margin)), static_cast<HPDF_REAL>(f.y(186)));
    HPDF_Page_Stroke(page);
    double y = 192;
    for (const auto& s : steps) {
        const double hMm = (s.ascent + s.descent + (s.lines.size() - 1) * s.lineHeight) / kPtPerMm;
        box(s, y, hMm, Align::Left, ink);
        y += hMm + 4;
    }
    box(personal, 262, 6, Align::Left, grey);
    box(ref, 270, 6, Align::Left, grey);
    if (pdf.failed()) return pdf.error("drawing the confirmation");
    auto bytes = pdf.save();
    if (!bytes) return bytes.error();
    out.bytes = std::move(*bytes);
    out.pages = 1;
    return out;
}

// --- free functions -----------------------------------------------------------------------------

core::Status checkLogo(const std::string& bytes) {
    const bool png = !bytes.empty() && static_cast<unsigned char>(bytes[0]) == 0x89;
    if (png && !pngDecodes(bytes))
        return core::Error{"event.bad_logo",
                           "the logo is not a PNG libpng can read completely (damaged, cut short, or larger "
                           "than 8192 pixels a side): export it again as PNG"};
    PdfDoc pdf;
    if (pdf.failed()) return pdf.error("creating the document");
    HPDF_Image img = pdf.image(bytes);
    if (!img || pdf.failed())
        return core::Error{"event.bad_logo", "the logo cannot be drawn on a badge (libharu error " +
                                                 std::to_string(pdf.m_status) +
                                                 "): save it as a plain, non-interlaced PNG or an RGB JPEG"};
    return {};
}

BadgeRenderer& sharedRenderer() {
    static BadgeRenderer renderer;
    return renderer;
}

core::Result<std::string> renderBadgePdf(const BadgeContent& content, const BadgeTemplate& tpl,
                                         std::vector<RenderWarning>* warnings) {
    auto r = sharedRenderer().renderBadge(content, tpl);
    if (!r) return r.error();
    if (warnings) *warnings = std::move(r->warnings);
    return std::move(r->bytes);
}

core::Result<RenderedPdf> renderBadgeFor(core::Database& db, const std::string& attendeeId,
                                         const std::string& defaultTemplate) {
    auto c = badgeContentFor(db, attendeeId);
    if (!c) return c.error();
    auto& renderer = sharedRenderer();
    auto t = renderer.templateFor(*c, defaultTemplate);
    if (!t) return t.error();
    return renderer.renderBadge(*c, *t);
}

core::Result<std::string> renderAttendeeBadge(core::Database& db, const std::string& attendeeId,
                                              const std::string& templateName) {
    auto r = renderBadgeFor(db, attendeeId, templateName);
    if (!r) return r.error();
    return std::move(r->bytes);
}

core::Result<std::string> renderSheets(const std::vector<BadgeContent>& contents, const BadgeTemplate& tpl,
                                       SheetLayout layout, std::vector<RenderWarning>* warnings) {
    auto r = sharedRenderer().renderSheets(contents, tpl, layout);
    if (!r) return r.error();
    if (warnings) *warnings = std::move(r->warnings);
    return std::move(r->bytes);
}

core::Result<std::string> renderAttendeeConfirmation(core::Database& db, const std::string& attendeeId) {
    auto c = badgeContentFor(db, attendeeId);
    if (!c) return c.error();
    auto r = sharedRenderer().renderConfirmation(*c);
    if (!r) return r.error();
    return std::move(r->bytes);
}

}  // namespace kiosk::printing
