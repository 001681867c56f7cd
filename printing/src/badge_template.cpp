// Badge templates as data: JSON in assets/templates/, see docs/badges.md for the format.
#include "badge_internal.hpp"

#include <kiosk/core/assets.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiosk::printing {

namespace fs = std::filesystem;

std::optional<PaperSize> paperSize(const std::string& name) {
    static const std::map<std::string, PaperSize> sizes = {
        {"a4", {210, 297}},       {"a6", {105, 148}},  {"a7", {74, 105}},         {"cr80", {53.98, 85.6}},
        {"4x3in", {101.6, 76.2}}, {"62mm", {62, 100}}, {"4x6in", {101.6, 152.4}},
    };
    auto it = sizes.find(name);
    if (it == sizes.end()) return std::nullopt;
    return it->second;
}

std::optional<SheetLayout> sheetLayoutFromName(const std::string& name) {
    if (name == "a4-4xa6") return SheetLayout::A4_4xA6;
    if (name == "a4-8xa7") return SheetLayout::A4_8xA7;
    return std::nullopt;
}

std::optional<Color> parseColor(const std::string& s) {
    if (s.size() != 7 || s[0] != '#') return std::nullopt;
    unsigned v = 0;
    for (size_t i = 1; i < 7; ++i) {
        const char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= static_cast<unsigned>(c - 'A' + 10);
        else
            return std::nullopt;
    }
    return Color{((v >> 16) & 0xFF) / 255.0, ((v >> 8) & 0xFF) / 255.0, (v & 0xFF) / 255.0};
}

namespace {

const std::vector<std::string>& knownFields() {
    static const std::vector<std::string> f = {
        "display_name",  "first_name",       "last_name",    "organisation", "category_label",
        "working_group", "event_name",       "event_date",   "event_place",  "literal",
        "label",         "event_short_name", "event_tagline"};
    return f;
}

core::Error bad(const std::string& where, const std::string& what) {
    return core::Error{"template.invalid", where + ": " + what};
}

}  // namespace

core::Result<BadgeTemplate> parseTemplate(const std::string& text, const std::string& baseDir) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return core::Error{"template.syntax",
                           "the template is not a JSON object; check it with a JSON validator"};
    BadgeTemplate t;
    t.baseDir = baseDir;
    t.name = j.value("name", std::string("unnamed"));
    t.paper = j.value("paper", std::string("a6"));
    t.fontFamily = j.value("font", t.fontFamily);
    t.qrEccLevel = std::clamp(j.value("qrEccLevel", t.qrEccLevel), 0, 8);
    if (auto p = paperSize(t.paper)) {
        t.widthMm = p->widthMm;
        t.heightMm = p->heightMm;
    } else if (t.paper == "custom") {
        t.widthMm = j.value("width", 0.0);
        t.heightMm = j.value("height", 0.0);
    } else {
        return bad(t.name, "unknown paper '" + t.paper + "' (a6, a7, cr80, 4x3in, 62mm, 4x6in, a4, custom)");
    }
    if (j.value("landscape", false)) std::swap(t.widthMm, t.heightMm);
    if (t.widthMm < 10 || t.heightMm < 10 || t.widthMm > 1000 || t.heightMm > 1000)
        return bad(t.name, "page size must be 10..1000 mm");
    if (j.contains("categoryColors")) {
        if (!j["categoryColors"].is_object()) return bad(t.name, "categoryColors must be an object");
        for (auto& [k, v] : j["categoryColors"].items()) {
            auto c = v.is_string() ? parseColor(v.get<std::string>()) : std::nullopt;
            if (!c) return bad(t.name, "colour of category '" + k + "' must be \"#rrggbb\"");
            t.categoryColors[k] = *c;
        }
    }
    if (j.contains("eventColors")) {
        if (!j["eventColors"].is_object()) return bad(t.name, "eventColors must be an object");
        for (auto& [k, v] : j["eventColors"].items()) {
            auto c = v.is_string() ? parseColor(v.get<std::string>()) : std::nullopt;
            if (!c || (k != "main" && k != "accent"))
                return bad(t.name, "eventColors holds \"main\" and \"accent\", each \"#rrggbb\"");
            (k == "main" ? t.eventColor : t.eventAccentColor) = *c;
        }
    }
    auto lowerAscii = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    if (j.contains("badgeFor")) {
        if (!j["badgeFor"].is_object())
            return bad(t.name, "badgeFor must be an object: {\"category\": \"template\"}");
        for (auto& [k, v] : j["badgeFor"].items()) {
            if (!v.is_string() || v.get<std::string>().empty())
                return bad(t.name, "badgeFor." + k + " must be a template's name");
            t.badgeFor[lowerAscii(k)] = v.get<std::string>();
        }
    }
    if (j.contains("categoryLabels")) {
        if (!j["categoryLabels"].is_object()) return bad(t.name, "categoryLabels must be an object");
        for (auto& [k, v] : j["categoryLabels"].items()) {
            auto& labels = t.categoryLabels[lowerAscii(k)];
            if (v.is_string()) {
                labels[""] = v.get<std::string>();
                continue;
            }
            if (!v.is_object()) return bad(t.name, "categoryLabels." + k + " must be a text or {fr, nl, en}");
            for (auto& [lang, text] : v.items()) {
                if (!text.is_string() || (lang != "fr" && lang != "nl" && lang != "en"))
                    return bad(t.name, "categoryLabels." + k + " holds texts under fr, nl and en");
                labels[lang] = text.get<std::string>();
            }
        }
    }
    if (!j.contains("elements") || !j["elements"].is_array()) return bad(t.name, "'elements' array missing");
    int index = 0;
    for (const auto& e : j["elements"]) {
        const std::string where = t.name + " element " + std::to_string(index++);
        if (!e.is_object()) return bad(where, "not an object");
        TemplateElement el;
        const std::string type = e.value("type", std::string("text"));
        if (type == "text")
            el.kind = TemplateElement::Kind::Text;
        else if (type == "qr")
            el.kind = TemplateElement::Kind::Qr;
        else if (type == "rect")
            el.kind = TemplateElement::Kind::Rect;
        else if (type == "ellipse")
            el.kind = TemplateElement::Kind::Ellipse;
        else if (type == "image")
            el.kind = TemplateElement::Kind::Image;
        else if (type == "line")
            el.kind = TemplateElement::Kind::Line;
        else
            return bad(where, "unknown type '" + type + "' (text, qr, rect, ellipse, image, line)");
        auto num = [&](const char* k, double def) {
            return e.contains(k) && e[k].is_number() ? e[k].get<double>() : def;
        };
        el.x = num("x", 0);
        el.y = num("y", 0);
        el.w = num("w", 0);
        el.h = num("h", el.kind == TemplateElement::Kind::Qr ? el.w : 0);
        el.fontSize = num("size", 10);
        el.minFontSize = num("minSize", 0);
        el.lineWidth = num("lineWidth", 0.3);
        el.maxLines = std::clamp(e.value("maxLines", 1), 1, 2);
        el.bold = e.value("bold", false);
        el.uppercase = e.value("uppercase", false);
        el.field = e.value("field", std::string(el.kind == TemplateElement::Kind::Text ? "literal" : ""));
        el.text = e.value("text", std::string());
        el.image = e.value("file", std::string());
        if (e.contains("textByLanguage") && e["textByLanguage"].is_object())
            for (auto& [k, v] : e["textByLanguage"].items())
                if (v.is_string()) el.textByLanguage[k] = v.get<std::string>();
        const std::string align = e.value("align", std::string("center"));
        el.align = align == "left" ? Align::Left : align == "right" ? Align::Right : Align::Center;
        const std::string color = e.value("color", std::string("#000000"));
        if (color == "category") {
            el.categoryColor = true;
        } else if (color == "event") {
            el.eventColor = TemplateElement::EventColor::Main;
        } else if (color == "accent") {
            el.eventColor = TemplateElement::EventColor::Accent;
        } else if (auto c = parseColor(color)) {
            el.color = *c;
        } else {
            return bad(where, "colour must be \"#rrggbb\", \"category\", \"event\" or \"accent\"");
        }
        if (e.contains("withoutLogo")) {
            const auto& wl = e["withoutLogo"];
            if (!wl.is_object()) return bad(where, "withoutLogo must be an object with x, y, w, h");
            auto n = [&](const char* k, double def) {
                return wl.contains(k) && wl[k].is_number() ? wl[k].get<double>() : def;
            };
            el.withoutLogo = std::array<double, 4>{n("x", el.x), n("y", el.y), n("w", el.w), n("h", el.h)};
        }
        if (el.kind == TemplateElement::Kind::Text &&
            std::find(knownFields().begin(), knownFields().end(), el.field) == knownFields().end())
            return bad(where, "unknown field '" + el.field + "'");
        if (el.kind != TemplateElement::Kind::Line && (el.w <= 0 || el.h <= 0))
            return bad(where, "w and h must be positive");
        if (el.kind == TemplateElement::Kind::Text && (el.fontSize <= 0 || el.fontSize > 400))
            return bad(where, "size must be 0..400 pt");
        if (el.kind == TemplateElement::Kind::Image && el.field != "event_logo") {
            if (!el.field.empty()) return bad(where, "an image's field can only be \"event_logo\"");
            if (el.image.empty()) return bad(where, "image needs 'file' or \"field\": \"event_logo\"");
            if (!fs::exists(fs::path(baseDir) / "../images" / el.image) &&
                !fs::exists(fs::path(baseDir) / el.image))
                return bad(where, "image file '" + el.image +
                                      "' not found next to the template or in assets/images");
        }
        t.elements.push_back(std::move(el));
    }
    return t;
}

namespace {
core::Result<std::string> templatesDir() {
    auto dir = core::assetsDir();
    if (!dir) return dir.error();
    return *dir + "/templates";
}
}  // namespace

core::Result<BadgeTemplate> loadTemplate(const std::string& nameOrPath) {
    std::string name = nameOrPath.empty() ? "default" : nameOrPath;
    fs::path path(name);
    if (name.find('/') == std::string::npos && path.extension() != ".json") {
        auto dir = templatesDir();
        if (!dir) return dir.error();
        path = fs::path(*dir) / (name + ".json");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return core::Error{"template.not_found", "no badge template '" + name + "' (looked for " +
                                                     path.string() +
                                                     "); `kiosk badges --help` lists the names"};
    std::stringstream ss;
    ss << in.rdbuf();
    return parseTemplate(ss.str(), path.parent_path().string());
}

std::vector<std::string> templateNames() {
    std::vector<std::string> names;
    std::error_code ec;
    auto dir = templatesDir();
    if (!dir) return names;
    for (const auto& e : fs::directory_iterator(*dir, ec))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace kiosk::printing
