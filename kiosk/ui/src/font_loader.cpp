#include <kiosk/ui/font_loader.hpp>

#include <kiosk/core/text.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace kiosk::ui {
namespace {

// Debian's fonts-dejavu-core first (Latin, Greek, Cyrillic complete, and the status icons
// ✓ ✗ ⚠ ○ ↺ that Noto Sans lacks), Noto Sans as the alternative, merged in for anything DejaVu lacks.
constexpr const char* kRegular[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"};
constexpr const char* kBold[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                                 "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"};

const ImWchar kBodyRanges[] = {
    0x0020, 0x00FF,  // Basic Latin + Latin-1 Supplement
    0x0100, 0x024F,  // Latin Extended-A and -B
    0x0250, 0x02FF,  // IPA extensions, spacing modifiers (ʻ ˈ …)
    0x0300, 0x036F,  // combining diacritics
    0x0370, 0x03FF,  // Greek and Coptic
    0x0400, 0x052F,  // Cyrillic + supplement
    0x1E00, 0x1EFF,  // Latin Extended Additional (Vietnamese …)
    0x2000, 0x206F,  // punctuation (’ “ ” … –)
    0x20AC, 0x20AC,  // €
    0x2190, 0x2193,  // arrows
    0x21BA, 0x21BA,  // ↺ (retry)
    0x21E7, 0x21E7,  // ⇧ (the on-screen keyboard's Shift)
    0x2328, 0x2328,  // ⌨ (… and its button)
    0x232B, 0x232B,  // ⌫ (… Backspace)
    0x23CE, 0x23CE,  // ⏎ (… Enter)
    0x25CB, 0x25CB,  // ○ (expected)
    0x25CF, 0x25CF,  // ● (PIN dots)
    0x26A0, 0x26A0,  // ⚠ (held, look-alike)
    0x2713, 0x2713,  // ✓ (done)
    0x2717, 0x2717,  // ✗ (failed)
    0,
};

std::string firstExisting(const char* const* list, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (std::filesystem::exists(list[i])) return list[i];
    return {};
}

}  // namespace

bool FontLoader::request(std::string_view utf8) {
    bool added = false;
    for (char32_t cp : decodeUtf8(utf8)) {
        if (cp <= 0xFF || cp > 0xFFFF) continue;  // Latin-1 is always in; ImWchar is 16-bit
        const auto c = static_cast<ImWchar>(cp);
        const auto it = std::lower_bound(m_extra.begin(), m_extra.end(), c);
        if (it != m_extra.end() && *it == c) continue;
        m_extra.insert(it, c);
        added = true;
    }
    return added;
}

bool FontLoader::build(int fbHeight, bool largeText) {
    const auto started = std::chrono::steady_clock::now();
    const bool ok = buildAtlas(fbHeight, largeText);
    ImGuiIO& io = ImGui::GetIO();
    m_atlasW = io.Fonts->TexWidth;
    m_atlasH = io.Fonts->TexHeight;
    m_buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    ++m_builds;
    return ok;
}

bool FontLoader::buildAtlas(int fbHeight, bool largeText) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    m_height = fbHeight;
    m_large = largeText;
    const float h = static_cast<float>(std::max(fbHeight, 480));
    const float textScale = largeText ? 1.35f : 1.f;
    m_bodyPx = std::round(h / 24.f * textScale);
    const float titlePx = std::round(h / 11.f * (largeText ? 1.2f : 1.f));
    const float hugePx = std::round(h / 4.5f);

    const std::string regular = firstExisting(kRegular, std::size(kRegular));
    const std::string bold = firstExisting(kBold, std::size(kBold));
    const std::string noto = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
    m_file = regular;
    if (regular.empty()) {
        ImFontConfig cfg;
        cfg.SizePixels = m_bodyPx;
        m_fonts.body = m_fonts.bodyBold = m_fonts.title = m_fonts.huge = io.Fonts->AddFontDefault(&cfg);
        return false;
    }

    ImFontGlyphRangesBuilder tb;
    tb.AddRanges(io.Fonts->GetGlyphRangesDefault());  // Latin-1
    for (ImWchar c : m_extra) tb.AddChar(c);
    for (ImWchar c : {0x2019, 0x201C, 0x201D, 0x2026, 0x2013, 0x00A0, 0x202F, 0x25CF}) tb.AddChar(c);
    m_titleRanges.clear();
    tb.BuildRanges(&m_titleRanges);
    ImFontGlyphRangesBuilder hb;
    hb.AddText("0123456789 /%:.,-+–—…");
    hb.AddRanges(io.Fonts->GetGlyphRangesDefault());
    m_hugeRanges.clear();
    hb.BuildRanges(&m_hugeRanges);

    auto add = [&](const std::string& file, float px, const ImWchar* ranges, int oversample) {
        ImFontConfig cfg;
        cfg.OversampleH = oversample;  // 3 (default) triples the atlas width; big text needs none
        cfg.OversampleV = 1;
        cfg.PixelSnapH = oversample == 1;
        ImFont* f = io.Fonts->AddFontFromFileTTF(file.c_str(), px, &cfg, ranges);
        if (f && file != noto && std::filesystem::exists(noto)) {
            ImFontConfig merge;
            merge.MergeMode = true;
            merge.OversampleH = oversample;
            merge.OversampleV = 1;
            io.Fonts->AddFontFromFileTTF(noto.c_str(), px, &merge, ranges);
        }
        return f;
    };
    m_fonts.body = add(regular, m_bodyPx, kBodyRanges, 2);
    m_fonts.bodyBold = add(bold.empty() ? regular : bold, m_bodyPx, kBodyRanges, 1);
    m_fonts.title = add(bold.empty() ? regular : bold, titlePx, m_titleRanges.Data, 1);
    m_fonts.huge = add(bold.empty() ? regular : bold, hugePx, m_hugeRanges.Data, 1);
    io.FontDefault = m_fonts.body;
    io.Fonts->Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
    return io.Fonts->Build();
}

bool FontLoader::hasAllGlyphs(ImFont* font, std::string_view utf8) {
    if (!font) return false;
    for (char32_t cp : decodeUtf8(utf8)) {
        if (core::text::isControl(cp) || cp > 0xFFFF) return false;
        if (!font->FindGlyphNoFallback(static_cast<ImWchar>(cp))) return false;
    }
    return true;
}

}  // namespace kiosk::ui
